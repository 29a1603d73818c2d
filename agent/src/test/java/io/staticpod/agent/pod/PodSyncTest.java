package io.staticpod.agent.pod;

import io.staticpod.agent.probe.Prober;
import io.staticpod.manifest.ManifestReader;
import io.staticpod.manifest.ParseResult;
import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;
import io.staticpod.manifest.WellKnown;
import io.staticpod.mirror.MirrorClient;
import io.staticpod.runtime.ContainerInfo;
import io.staticpod.runtime.LaunchSpec;
import io.staticpod.runtime.testing.FakeContainerRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/** The pod sync step by step, against the in-memory runtime and a clock stepped by hand. */
class PodSyncTest {
    static final String NODE = "n1";
    static final String PAUSE = "pause:test";
    static final String BUSYBOX = "busybox:test";
    static final Prober.ProbeListener NO_PROBES = new Prober.ProbeListener() {
        @Override
        public void changed(PodKey pod) {
        }

        @Override
        public void unhealthy(PodKey pod, String container, String containerId, String probe, String message) {
        }
    };

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final FakeContainerRuntime runtime = new FakeContainerRuntime(clock);
    @TempDir
    Path root;

    private PodSync sync() {
        runtime.addImage(PAUSE);
        runtime.addImage(BUSYBOX);
        return new PodSync(runtime, new LaunchSpecs(NODE, PAUSE), new Volumes(root), new CrashBackoff(clock), clock,
                new PodKiller(runtime, Executors.newCachedThreadPool(), MirrorClient.NONE), MirrorClient.NONE, k -> null,
                new Prober(runtime, Executors.newSingleThreadScheduledExecutor(), clock, NO_PROBES), "192.0.2.1");
    }

    static StaticPod pod(String name, String extraSpec) {
        String yaml = """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                spec:
                  containers:
                  - name: app
                    image: %s
                    command: ["sleep", "3600"]
                %s
                """.formatted(name, BUSYBOX, extraSpec);
        ParseResult r = new ManifestReader(NODE).parse(Path.of("/m/" + name + ".yaml"),
                yaml.getBytes(StandardCharsets.UTF_8));
        assertThat(r).as(r.toString()).isInstanceOf(ParseResult.Parsed.class);
        return ((ParseResult.Parsed) r).pod();
    }

    /** A pod named web, labelled tier=db, whose only container has {@code containerLines} added. */
    static StaticPod podWith(String containerLines) {
        String yaml = """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                  labels: {tier: db}
                spec:
                  containers:
                  - name: app
                    image: %s
                %s""".formatted(BUSYBOX, containerLines);
        ParseResult r = new ManifestReader(NODE).parse(Path.of("/m/web.yaml"), yaml.getBytes(StandardCharsets.UTF_8));
        assertThat(r).as(r.toString()).isInstanceOf(ParseResult.Parsed.class);
        return ((ParseResult.Parsed) r).pod();
    }

    private List<ContainerInfo> containers(PodKey key) {
        return runtime.list(Map.of(WellKnown.OWNER, NODE, WellKnown.POD_NAME, key.name()));
    }

    private ContainerInfo running(PodKey key, String container) {
        return containers(key).stream().filter(ContainerInfo::running)
                .filter(c -> container.equals(c.label(WellKnown.CONTAINER_NAME))).findFirst().orElseThrow();
    }

    @Test
    void startsASandboxAndTheContainersJoiningItWithTheKubeletsNamesAndLabels() {
        PodSync sync = sync();
        StaticPod pod = pod("web", "");

        assertThat(sync.sync(pod.key(), pod)).isNull();

        ContainerInfo sandbox = running(pod.key(), "POD");
        ContainerInfo app = running(pod.key(), "app");
        assertThat(sandbox.name()).isEqualTo("k8s_POD_web-n1_default_" + pod.uid() + "_0");
        assertThat(app.name()).isEqualTo("k8s_app_web-n1_default_" + pod.uid() + "_0");
        assertThat(app.labels()).containsEntry(WellKnown.POD_NAME, "web-n1")
                .containsEntry(WellKnown.POD_NAMESPACE, "default")
                .containsEntry(WellKnown.POD_UID, pod.uid())
                .containsEntry(WellKnown.CONTAINER_NAME, "app")
                .containsEntry(WellKnown.OWNER, NODE)
                .containsEntry(WellKnown.SANDBOX_ID, sandbox.id());
        LaunchSpec spec = runtime.launchSpec(app.id()).orElseThrow();
        assertThat(spec.network()).isEqualTo(LaunchSpec.Namespace.container(sandbox.id()));
        assertThat(spec.entrypoint()).containsExactly("sleep", "3600");
    }

    @Test
    void aSecondSyncOfARunningPodChangesNothing() {
        PodSync sync = sync();
        StaticPod pod = pod("web", "");
        sync.sync(pod.key(), pod);
        int starts = runtime.starts();

        sync.sync(pod.key(), pod);

        assertThat(runtime.starts()).isEqualTo(starts);
    }

    @Test
    void hostNetworkPodsHaveNoSandbox() {
        PodSync sync = sync();
        StaticPod pod = pod("hn", "  hostNetwork: true");

        sync.sync(pod.key(), pod);

        assertThat(containers(pod.key())).hasSize(1);
        assertThat(runtime.launchSpec(running(pod.key(), "app").id()).orElseThrow().network())
                .isEqualTo(LaunchSpec.Namespace.host());
    }

    @Test
    void restartsACrashedContainerAtOnceThenAfterTenAndTwentySeconds() {
        PodSync sync = sync();
        StaticPod pod = pod("web", "");
        sync.sync(pod.key(), pod);

        runtime.crash(running(pod.key(), "app").id());
        assertThat(sync.sync(pod.key(), pod)).isNull();
        ContainerInfo second = running(pod.key(), "app");
        assertThat(second.label(WellKnown.CONTAINER_RESTART_COUNT)).isEqualTo("1");

        runtime.crash(second.id());
        Instant crashed = clock.instant();
        assertThat(sync.sync(pod.key(), pod)).isEqualTo(crashed.plusSeconds(10));
        assertThat(containers(pod.key()).stream().filter(ContainerInfo::running)).hasSize(1); // the sandbox
        clock.advance(Duration.ofSeconds(10));
        assertThat(sync.sync(pod.key(), pod)).isNull();
        ContainerInfo third = running(pod.key(), "app");
        assertThat(third.label(WellKnown.CONTAINER_RESTART_COUNT)).isEqualTo("2");

        runtime.crash(third.id());
        assertThat(sync.sync(pod.key(), pod)).isEqualTo(clock.instant().plusSeconds(20));
    }

    @Test
    void keepsOnlyTheLastDeadInstanceOfAContainer() {
        PodSync sync = sync();
        StaticPod pod = pod("web", "");
        sync.sync(pod.key(), pod);
        for (int i = 0; i < 3; i++) {
            runtime.crash(running(pod.key(), "app").id());
            clock.advance(Duration.ofMinutes(5));
            sync.sync(pod.key(), pod);
        }
        sync.sync(pod.key(), pod);

        assertThat(containers(pod.key()).stream().filter(c -> "app".equals(c.label(WellKnown.CONTAINER_NAME))))
                .hasSize(2);
    }

    @Test
    void onFailureDoesNotRestartASuccessfulContainerAndNeverRestartsNothing() {
        PodSync sync = sync();
        StaticPod onFailure = pod("job", "  restartPolicy: OnFailure");
        StaticPod never = pod("once", "  restartPolicy: Never");
        sync.sync(onFailure.key(), onFailure);
        sync.sync(never.key(), never);

        runtime.exit(running(onFailure.key(), "app").id(), 0);
        runtime.exit(running(never.key(), "app").id(), 1);
        int starts = runtime.starts();
        sync.sync(onFailure.key(), onFailure);
        sync.sync(never.key(), never);

        assertThat(runtime.starts()).isEqualTo(starts);
    }

    @Test
    void aNewVersionStopsTheOldOneBeforeStartingAndARemovalStopsEverything() {
        PodSync sync = sync();
        StaticPod v1 = pod("web", "");
        StaticPod v2 = pod("web", "  terminationGracePeriodSeconds: 5");
        assertThat(v2.uid()).isNotEqualTo(v1.uid());
        sync.sync(v1.key(), v1);

        sync.sync(v2.key(), v2);

        assertThat(containers(v1.key())).allSatisfy(c -> assertThat(c.label(WellKnown.POD_UID)).isEqualTo(v2.uid()));
        assertThat(containers(v1.key()).stream().filter(ContainerInfo::running)).hasSize(2);

        String app = running(v2.key(), "app").id();
        assertThat(runtime.launchSpec(app).orElseThrow().labels())
                .containsEntry(WellKnown.POD_TERMINATION_GRACE_PERIOD, "5");
        int stops = runtime.stops();
        sync.sync(v2.key(), null);

        assertThat(containers(v2.key())).isEmpty();
        assertThat(runtime.stops()).isEqualTo(stops + 2);
    }

    @Test
    void aStartFailureIsRetriedWithBackOff() {
        PodSync sync = sync();
        StaticPod pod = pod("web", "");
        runtime.failNextStart("runc create failed");
        // the sandbox start fails: the whole sync fails and the lane retries it
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> sync.sync(pod.key(), pod))
                .hasMessageContaining("runc create failed");

        assertThat(sync.sync(pod.key(), pod)).isNull();
        assertThat(running(pod.key(), "app")).isNotNull();
    }

    @Test
    void adoptsRunningContainersFromAnEarlierAgentWithoutRestartingThem() {
        PodSync first = sync();
        StaticPod pod = pod("web", "");
        first.sync(pod.key(), pod);
        String appId = running(pod.key(), "app").id();
        int starts = runtime.starts();

        PodSync restarted = new PodSync(runtime.newClientOfSameEngine(), new LaunchSpecs(NODE, PAUSE),
                new Volumes(root), new CrashBackoff(clock), clock,
                new PodKiller(runtime, Executors.newCachedThreadPool(), MirrorClient.NONE), MirrorClient.NONE, k -> null,
                new Prober(runtime, Executors.newSingleThreadScheduledExecutor(), clock, NO_PROBES), "192.0.2.1");
        restarted.sync(pod.key(), pod);

        assertThat(runtime.starts()).isEqualTo(starts);
        assertThat(running(pod.key(), "app").id()).isEqualTo(appId);
    }

    @Test
    void anOlderInstanceStillRunningBesideANewerOneIsStopped() throws Exception {
        PodSync sync = sync();
        StaticPod pod = pod("web", "");
        sync.sync(pod.key(), pod);
        ContainerInfo sandbox = running(pod.key(), "POD");
        String older = running(pod.key(), "app").id();
        // an agent killed while `docker run` of the next attempt was under way, restarted: both instances run
        String newer = runtime.start(new LaunchSpecs(NODE, PAUSE).container(pod, pod.pod().spec().containers().get(0),
                1, sandbox.id(), null, Map.of()));

        sync.sync(pod.key(), pod);

        assertThat(containers(pod.key()).stream().filter(c -> "app".equals(c.label(WellKnown.CONTAINER_NAME))))
                .extracting(ContainerInfo::id).containsExactly(newer).doesNotContain(older);
        assertThat(running(pod.key(), "POD").id()).isEqualTo(sandbox.id());
    }

    @Test
    void theRelisterRemovesTheStateOfPodsThatNoLaneWantsAndNoContainerUses() throws Exception {
        PodSync sync = sync();
        StaticPod kept = pod("kept", "");
        sync.sync(kept.key(), kept);
        Path orphan = java.nio.file.Files.createDirectories(root.resolve("pods/0123-gone/containers/app"));
        java.nio.file.Files.writeString(orphan.resolve("0-termination-log"), "bye");
        Path keptDir = root.resolve("pods").resolve(kept.uid());
        assertThat(keptDir).isDirectory();
        PodWorkers workers = new PodWorkers(sync, Runnable::run, Executors.newSingleThreadScheduledExecutor(), clock,
                () -> { });
        workers.podChanged(kept.key(), kept);
        Relister relister = new Relister(runtime, Map.of(WellKnown.OWNER, NODE), workers, () -> true,
                MirrorClient.NONE, new Volumes(root));

        relister.relist();

        assertThat(root.resolve("pods/0123-gone")).doesNotExist();
        assertThat(keptDir).isDirectory();
    }
}
