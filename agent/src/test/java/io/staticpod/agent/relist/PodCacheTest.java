package io.staticpod.agent.relist;

import io.staticpod.agent.testing.FakeHostMounts;
import io.staticpod.agent.launch.EnvResolver;
import io.staticpod.agent.launch.LaunchConfigs;
import io.staticpod.agent.launch.Volumes;
import io.staticpod.agent.testing.MutableClock;
import io.staticpod.agent.testing.TestPods;
import io.staticpod.manifest.StaticPod;
import io.staticpod.runtime.spi.testing.FakeContainerRuntime;
import io.staticpod.runtime.spi.testing.FakeContainerRuntime.Call;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The pod cache's rule: nothing listed earlier replaces what was listed later. */
class PodCacheTest {
    @TempDir
    Path root;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final FakeContainerRuntime runtime = new FakeContainerRuntime(clock);
    private final StaticPod pod = TestPods.pod("web", "");

    private PodCache cache() {
        LaunchConfigs launch = new LaunchConfigs(TestPods.NODE, new Volumes(root, new FakeHostMounts()),
                new EnvResolver(TestPods.NODE, "192.0.2.1", 1, 1L << 30), null);
        return new PodCache(runtime, launch::podSelector, clock);
    }

    @Test
    void aRelistThatBeganBeforeALanesReadCannotBringBackTheStateBeforeTheLanesAction() throws Exception {
        PodCache cache = cache();
        Instant relistBegan = clock.instant();
        clock.advance(Duration.ofMillis(10));
        LaunchConfigs launch = new LaunchConfigs(TestPods.NODE, new Volumes(root, new FakeHostMounts()),
                new EnvResolver(TestPods.NODE, "192.0.2.1", 1, 1L << 30), null);
        runtime.sandboxes().run(launch.sandbox(pod, 0)); // the lane's action
        PodView afterAction = cache.refresh(pod.key());

        cache.put(pod.key(), PodView.empty(pod.key()), relistBegan); // the relist ends late

        assertThat(cache.current(pod.key())).isEqualTo(afterAction);
        assertThat(afterAction.sandboxes()).hasSize(1);
    }

    @Test
    void anInvalidatedPodIsReadFromTheRuntimeEvenIfAnOlderRelistEndsMeanwhile() {
        PodCache cache = cache();
        Instant relistBegan = clock.instant();
        cache.put(pod.key(), PodView.empty(pod.key()), relistBegan);
        clock.advance(Duration.ofMillis(10));
        cache.invalidate(pod.key());
        cache.put(pod.key(), PodView.empty(pod.key()), relistBegan);
        int snapshots = runtime.calls(Call.SNAPSHOT);

        cache.current(pod.key());

        assertThat(runtime.calls(Call.SNAPSHOT)).isEqualTo(snapshots + 1);
        cache.current(pod.key());
        assertThat(runtime.calls(Call.SNAPSHOT)).isEqualTo(snapshots + 1);
    }

    @Test
    void aSandboxsAddressIsAskedOnce() throws Exception {
        PodCache cache = cache();
        LaunchConfigs launch = new LaunchConfigs(TestPods.NODE, new Volumes(root, new FakeHostMounts()),
                new EnvResolver(TestPods.NODE, "192.0.2.1", 1, 1L << 30), null);
        String id = runtime.sandboxes().run(launch.sandbox(pod, 0));

        String ip = cache.sandboxIp(id);

        assertThat(ip).startsWith("10.88.");
        assertThat(cache.sandboxIp(id)).isEqualTo(ip);
        assertThat(runtime.calls(Call.SANDBOX_STATUS)).isEqualTo(1);
    }
}
