package io.staticpod.agent.sync;

import io.staticpod.agent.testing.TestPods;
import io.staticpod.manifest.StaticPod;
import io.staticpod.mirror.PodStatus;
import io.staticpod.runtime.spi.Capabilities;
import io.staticpod.runtime.spi.Mount;
import io.staticpod.runtime.spi.testing.FakeContainerRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.staticpod.agent.testing.TestPods.BUSYBOX;
import static io.staticpod.agent.testing.TestPods.pod;
import static org.assertj.core.api.Assertions.assertThat;

/** The status and events each sync reports to the mirror client. */
class PodStatusTest {
    @TempDir
    Path root;
    private SyncFixture f;

    private SyncFixture fixture(Capabilities capabilities, Map<String, String> manifestErrors) {
        f = new SyncFixture(root, capabilities, k -> manifestErrors.get(k.name()));
        return f;
    }

    private SyncFixture fixture() {
        return fixture(FakeContainerRuntime.ALL_BUT_LOG_FILES, Map.of());
    }

    @AfterEach
    void close() {
        if (f != null) {
            f.close();
        }
    }

    private PodStatus status(StaticPod pod) {
        return f.mirror.statuses.get(pod.key());
    }

    @Test
    void aStartedPodIsRunningWithTheSandboxAddressAndTheKubeletsEvents() {
        SyncFixture f = fixture();
        StaticPod pod = pod("web", "");

        f.sync(pod);

        PodStatus status = status(pod);
        assertThat(status.uid()).isEqualTo(pod.uid());
        assertThat(status.phase()).isEqualTo(PodStatus.Phase.Running);
        assertThat(status.podIP()).startsWith("10.88.");
        assertThat(status.startTime()).isNotNull();
        PodStatus.ContainerStatus app = status.containers().get(0);
        assertThat(app.state()).isInstanceOf(PodStatus.Running.class);
        assertThat(app.ready()).isTrue();
        assertThat(app.restartCount()).isZero();
        assertThat(app.containerId()).isEqualTo("fake://" + f.running(pod, "app").id());
        assertThat(app.imageId()).startsWith("fake-pullable://sha256:");
        assertThat(f.mirror.events).containsExactly(
                "Normal Pulled app: Container image \"" + BUSYBOX + "\" already present on machine",
                "Normal Created app: Created container app",
                "Normal Started app: Started container app");
    }

    @Test
    void aPodWhoseSandboxHasNoAddressHasItsStatusToo() {
        SyncFixture f = fixture(new Capabilities(false, false, true, true, true, false), Map.of());
        StaticPod pod = pod("web", "");

        f.sync(pod);

        PodStatus status = status(pod);
        assertThat(status.phase()).isEqualTo(PodStatus.Phase.Running);
        assertThat(status.podIP()).isNull();
        assertThat(status.containers().get(0).state()).isInstanceOf(PodStatus.Running.class);
    }

    @Test
    void aContainerInBackOffIsWaitingInCrashLoopBackOffWithItsLastTermination() {
        SyncFixture f = fixture();
        StaticPod pod = pod("web", "");
        f.sync(pod);
        f.exit(pod, f.running(pod, "app").id(), 1);
        f.sync(pod); // immediate restart
        f.exit(pod, f.running(pod, "app").id(), 1);

        f.sync(pod);

        PodStatus status = status(pod);
        PodStatus.ContainerStatus app = status.containers().get(0);
        assertThat(status.phase()).isEqualTo(PodStatus.Phase.Running);
        assertThat(app.state()).isInstanceOfSatisfying(PodStatus.Waiting.class,
                w -> assertThat(w.reason()).isEqualTo("CrashLoopBackOff"));
        assertThat(app.lastState()).isInstanceOfSatisfying(PodStatus.Terminated.class, t -> {
            assertThat(t.exitCode()).isEqualTo(1);
            assertThat(t.reason()).isEqualTo("Error");
        });
        assertThat(app.restartCount()).isEqualTo(1);
        assertThat(app.ready()).isFalse();
        assertThat(f.mirror.events).containsOnlyOnce("Warning BackOff app: Back-off restarting failed container");
    }

    @Test
    void anOomKilledContainerSaysSo() {
        SyncFixture f = fixture();
        StaticPod pod = pod("web", "");
        f.sync(pod);
        f.fake.oomKill(f.running(pod, "app").id());
        f.cache.invalidate(pod.key());

        f.sync(pod);

        assertThat(status(pod).containers().get(0).lastState()).isInstanceOfSatisfying(PodStatus.Terminated.class,
                t -> assertThat(t.reason()).isEqualTo("OOMKilled"));
    }

    @Test
    void fallbackToLogsOnErrorTakesTheEndOfTheLogOfAFailedContainerWithoutAMessageFile() {
        assertThat(lastMessageAfterACrash("terminationMessagePolicy: FallbackToLogsOnError"))
                .hasSize(2048).endsWith("line 119 " + "x".repeat(20) + "\n").doesNotContain("line 39 ");
        assertThat(lastMessageAfterACrash("terminationMessagePolicy: File")).isNullOrEmpty();
    }

    /** The last state's message of a container that wrote 120 lines and exited with 3, with this policy line. */
    private String lastMessageAfterACrash(String policy) {
        close();
        SyncFixture f = fixture();
        StaticPod pod = TestPods.podWith("""
                    command: ["sleep", "3600"]
                    %s
                """.formatted(policy));
        f.sync(pod);
        String first = f.running(pod, "app").id();
        for (int i = 0; i < 120; i++) {
            f.fake.appendLog(first, "line " + i + " " + "x".repeat(20));
        }
        f.exit(pod, first, 3);

        f.sync(pod); // the first restart is at once

        PodStatus.State last = status(pod).containers().get(0).lastState();
        assertThat(last).isInstanceOf(PodStatus.Terminated.class);
        assertThat(((PodStatus.Terminated) last).exitCode()).isEqualTo(3);
        return ((PodStatus.Terminated) last).message();
    }

    @Test
    void aPodWhoseOnlyContainerCompletedUnderNeverSucceeded() {
        SyncFixture f = fixture();
        StaticPod pod = pod("once", "  restartPolicy: Never");
        f.sync(pod);
        f.exit(pod, f.running(pod, "app").id(), 0);

        f.sync(pod);

        PodStatus status = status(pod);
        assertThat(status.phase()).isEqualTo(PodStatus.Phase.Succeeded);
        assertThat(status.containers().get(0).state()).isInstanceOfSatisfying(PodStatus.Terminated.class,
                t -> assertThat(t.reason()).isEqualTo("Completed"));
    }

    @Test
    void aMissingImageIsErrImagePullThenImagePullBackOff() {
        SyncFixture f = fixture();
        f.fake.removeImage(BUSYBOX);
        f.fake.failPulls("pull access denied");
        StaticPod pod = pod("noimg", "");

        f.sync(pod);

        assertThat(status(pod).phase()).isEqualTo(PodStatus.Phase.Pending);
        assertThat(status(pod).containers().get(0).state()).isInstanceOfSatisfying(PodStatus.Waiting.class,
                w -> assertThat(w.reason()).isEqualTo("ErrImagePull"));
        assertThat(f.mirror.events).anyMatch(e -> e.startsWith("Warning Failed app: ")
                && e.contains("pull access denied"));

        f.clock.advance(java.time.Duration.ofSeconds(1));
        f.sync(pod); // retried at once, and fails again
        f.clock.advance(java.time.Duration.ofSeconds(1));
        f.sync(pod);

        assertThat(status(pod).containers().get(0).state()).isInstanceOfSatisfying(PodStatus.Waiting.class,
                w -> assertThat(w.reason()).isEqualTo("ImagePullBackOff"));
    }

    @Test
    void theManifestErrorOfAPodRunningItsLastGoodVersionIsInItsStatus() {
        SyncFixture f = fixture(FakeContainerRuntime.ALL_BUT_LOG_FILES, Map.of("web-n1", "web.yaml:3: spec: broken"));
        StaticPod pod = pod("web", "");

        f.sync(pod);

        assertThat(status(pod).manifestError()).isEqualTo("web.yaml:3: spec: broken");
    }

    @Test
    void stoppingAPodSaysKilling() {
        SyncFixture f = fixture();
        StaticPod pod = pod("web", "");
        f.sync(pod);

        f.sync.sync(pod.key(), null);

        assertThat(f.mirror.events).contains("Normal Killing app: Stopping container app");
    }

    @Test
    void whatAContainerWroteToItsTerminationLogIsItsTerminationMessage() throws Exception {
        SyncFixture f = fixture();
        StaticPod pod = pod("once", "  restartPolicy: Never");
        f.sync(pod);
        String id = f.running(pod, "app").id();
        Mount log = f.runtime.containerConfigs.get(id).mounts().stream()
                .filter(m -> m.containerPath().equals("/dev/termination-log")).findFirst().orElseThrow();
        Files.writeString(Path.of(log.hostPath()), "disk full");
        f.exit(pod, id, 3);

        f.sync(pod);

        assertThat(status(pod).containers().get(0).state()).isInstanceOfSatisfying(PodStatus.Terminated.class, t -> {
            assertThat(t.exitCode()).isEqualTo(3);
            assertThat(t.message()).isEqualTo("disk full");
        });
        assertThat(status(pod).phase()).isEqualTo(PodStatus.Phase.Failed);
    }
}
