package io.staticpod.agent.sync;

import io.staticpod.agent.testing.FakeHostMounts;
import io.staticpod.agent.launch.EnvResolver;
import io.staticpod.agent.launch.LaunchConfigs;
import io.staticpod.agent.launch.Volumes;
import io.staticpod.agent.probe.Prober;
import io.staticpod.agent.relist.ContainerView;
import io.staticpod.agent.relist.PodCache;
import io.staticpod.agent.relist.PodView;
import io.staticpod.agent.status.PodStatuses;
import io.staticpod.agent.testing.MutableClock;
import io.staticpod.agent.testing.RecordingMirrorClient;
import io.staticpod.agent.testing.RecordingRuntime;
import io.staticpod.agent.testing.TestPods;
import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;
import io.staticpod.runtime.spi.Capabilities;
import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.testing.FakeContainerRuntime;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

/**
 * A pod sync wired as the agent wires it, on the in-memory runtime and one clock stepped by hand (wall and
 * monotonic), with what it asked the runtime and told the mirror client recorded.
 */
final class SyncFixture implements AutoCloseable {
    static final Prober.ProbeListener NO_PROBES = new Prober.ProbeListener() {
        @Override
        public void changed(PodKey pod) {
        }

        @Override
        public void unhealthy(PodKey pod, String container, String containerId, String probe, String message) {
        }
    };

    final MutableClock clock;
    final FakeContainerRuntime fake;
    final RecordingRuntime runtime;
    final RecordingMirrorClient mirror = new RecordingMirrorClient();
    final LaunchConfigs launch;
    final PodCache cache;
    final RestartHistory history;
    final ScheduledExecutorService probes = Executors.newSingleThreadScheduledExecutor();
    final Prober prober;
    final PodSync sync;
    private final Path root;

    SyncFixture(Path root) {
        this(root, FakeContainerRuntime.ALL_BUT_LOG_FILES, k -> null);
    }

    SyncFixture(Path root, Capabilities capabilities, Function<PodKey, String> manifestErrors) {
        this(root, new MutableClock(Instant.parse("2026-01-01T00:00:00Z")), capabilities, manifestErrors);
    }

    private SyncFixture(Path root, MutableClock clock, Capabilities capabilities,
                        Function<PodKey, String> manifestErrors) {
        this(root, clock, new FakeContainerRuntime(clock, capabilities), manifestErrors);
    }

    private SyncFixture(Path root, MutableClock clock, FakeContainerRuntime fake,
                        Function<PodKey, String> manifestErrors) {
        this.root = root;
        this.clock = clock;
        this.history = new RestartHistory(clock, clock);
        this.fake = fake;
        fake.addImage(TestPods.BUSYBOX);
        this.runtime = new RecordingRuntime(fake);
        Volumes volumes = new Volumes(root, new FakeHostMounts());
        this.launch = new LaunchConfigs(TestPods.NODE, volumes, new EnvResolver(TestPods.NODE, "192.0.2.1", 2,
                8L << 30), null);
        this.cache = new PodCache(runtime, launch::podSelector, clock);
        this.prober = new Prober(runtime.exec().orElse(null), runtime.name(), probes, clock, NO_PROBES);
        this.sync = new PodSync(runtime, launch, cache, history, prober,
                new PodStatuses(runtime.name(), prober, volumes, runtime.logs().orElse(null)), mirror, manifestErrors, Runnable::run, "192.0.2.1", null);
    }

    /** Another agent on the same engine, as after a restart: no history, no cache. */
    SyncFixture restarted() {
        return new SyncFixture(root, clock, fake.newClientOfSameEngine(), k -> null);
    }

    /**
     * The running container ends with {@code code}, and the agent hears of it as from the runtime's exit event (its
     * pod's cached view is invalidated).
     */
    void exit(StaticPod pod, String containerId, int code) {
        fake.exit(containerId, code);
        cache.invalidate(pod.key());
    }

    Instant sync(StaticPod pod) {
        return sync.sync(pod.key(), pod);
    }

    PodView view(StaticPod pod) {
        return cache.refresh(pod.key());
    }

    List<ContainerView> containers(StaticPod pod, String name) {
        return view(pod).containers().stream().filter(c -> c.name().equals(name))
                .sorted(ContainerView.NEWEST_FIRST).toList();
    }

    ContainerView running(StaticPod pod, String name) {
        return containers(pod, name).stream().filter(ContainerView::running).findFirst().orElseThrow(
                () -> new AssertionError("no running " + name + " in " + view(pod)));
    }

    ContainerRuntime runtime() {
        return runtime;
    }

    Map<String, String> selector(StaticPod pod) {
        return launch.podSelector(pod.key());
    }

    @Override
    public void close() {
        probes.shutdownNow();
    }
}
