package io.staticpod.agent.pod;

import io.staticpod.agent.probe.Prober;
import io.staticpod.manifest.StaticPod;
import io.staticpod.mirror.PodStatus;
import io.staticpod.runtime.LaunchSpec;
import io.staticpod.runtime.testing.FakeContainerRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;

import static io.staticpod.agent.pod.PodSyncTest.BUSYBOX;
import static io.staticpod.agent.pod.PodSyncTest.NODE;
import static io.staticpod.agent.pod.PodSyncTest.PAUSE;
import static io.staticpod.agent.pod.PodSyncTest.pod;
import static org.assertj.core.api.Assertions.assertThat;

/** The status and events each sync reports to the mirror client. */
class PodStatusTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final FakeContainerRuntime runtime = new FakeContainerRuntime(clock);
    private final RecordingMirrorClient mirror = new RecordingMirrorClient();
    @TempDir
    Path root;

    private PodSync sync(Map<String, String> manifestErrors) {
        runtime.addImage(PAUSE);
        runtime.addImage(BUSYBOX);
        return new PodSync(runtime, new LaunchSpecs(NODE, PAUSE), new Volumes(root), new CrashBackoff(clock), clock,
                new PodKiller(runtime, Executors.newCachedThreadPool(), mirror), mirror,
                k -> manifestErrors.get(k.name()),
                new Prober(runtime, Executors.newSingleThreadScheduledExecutor(), clock, PodSyncTest.NO_PROBES),
                "192.0.2.1");
    }

    private String appId(StaticPod pod) {
        return runtime.list(Map.of("io.kubernetes.container.name", "app", "io.kubernetes.pod.uid", pod.uid()))
                .stream().filter(c -> c.running()).findFirst().orElseThrow().id();
    }

    @Test
    void aStartedPodIsRunningWithTheSandboxAddressAndTheKubeletsEvents() {
        PodSync sync = sync(Map.of());
        StaticPod pod = pod("web", "");

        sync.sync(pod.key(), pod);

        PodStatus status = mirror.statuses.get(pod.key());
        assertThat(status.uid()).isEqualTo(pod.uid());
        assertThat(status.phase()).isEqualTo(PodStatus.Phase.Running);
        assertThat(status.podIP()).startsWith("10.88.0.");
        assertThat(status.startTime()).isNotNull();
        PodStatus.ContainerStatus app = status.containers().get(0);
        assertThat(app.state()).isInstanceOf(PodStatus.Running.class);
        assertThat(app.ready()).isTrue();
        assertThat(app.restartCount()).isZero();
        assertThat(app.containerId()).isEqualTo("fake://" + appId(pod));
        assertThat(mirror.events).containsExactly(
                "Normal Pulled app: Container image \"" + BUSYBOX + "\" already present on machine",
                "Normal Created app: Created container app",
                "Normal Started app: Started container app");
    }

    @Test
    void aPodWhoseSandboxHasNoAddressHasItsStatusToo() {
        runtime.withoutAddresses(); // containerd through ctr: no CNI, no pod IP
        PodSync sync = sync(Map.of());
        StaticPod pod = pod("web", "");

        sync.sync(pod.key(), pod);

        PodStatus status = mirror.statuses.get(pod.key());
        assertThat(status).isNotNull();
        assertThat(status.phase()).isEqualTo(PodStatus.Phase.Running);
        assertThat(status.podIP()).isNull();
        assertThat(status.containers().get(0).state()).isInstanceOf(PodStatus.Running.class);
    }

    @Test
    void aContainerInBackOffIsWaitingInCrashLoopBackOffWithItsLastTermination() {
        PodSync sync = sync(Map.of());
        StaticPod pod = pod("web", "");
        sync.sync(pod.key(), pod);
        runtime.crash(appId(pod));
        sync.sync(pod.key(), pod); // immediate restart
        runtime.crash(appId(pod));

        sync.sync(pod.key(), pod);

        PodStatus status = mirror.statuses.get(pod.key());
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
        assertThat(mirror.events).contains("Warning BackOff app: Back-off restarting failed container");
    }

    @Test
    void aPodWhoseOnlyContainerCompletedUnderNeverSucceeded() {
        PodSync sync = sync(Map.of());
        StaticPod pod = pod("once", "  restartPolicy: Never");
        sync.sync(pod.key(), pod);
        runtime.exit(appId(pod), 0);

        sync.sync(pod.key(), pod);

        PodStatus status = mirror.statuses.get(pod.key());
        assertThat(status.phase()).isEqualTo(PodStatus.Phase.Succeeded);
        assertThat(status.containers().get(0).state()).isInstanceOfSatisfying(PodStatus.Terminated.class,
                t -> assertThat(t.reason()).isEqualTo("Completed"));
    }

    @Test
    void aMissingImageIsErrImagePullAndAFailedEvent() {
        PodSync sync = sync(Map.of());
        runtime.removeImage(BUSYBOX);
        runtime.failPulls("pull access denied");
        StaticPod pod = pod("noimg", "");

        sync.sync(pod.key(), pod);

        PodStatus status = mirror.statuses.get(pod.key());
        assertThat(status.phase()).isEqualTo(PodStatus.Phase.Pending);
        assertThat(status.containers().get(0).state()).isInstanceOfSatisfying(PodStatus.Waiting.class,
                w -> assertThat(w.reason()).isEqualTo("ErrImagePull"));
        assertThat(mirror.events).anyMatch(e -> e.startsWith("Warning Failed app: "));
    }

    @Test
    void theManifestErrorOfAPodRunningItsLastGoodVersionIsInItsStatus() {
        PodSync sync = sync(Map.of("web-n1", "web.yaml:3: spec: broken"));
        StaticPod pod = pod("web", "");

        sync.sync(pod.key(), pod);

        assertThat(mirror.statuses.get(pod.key()).manifestError()).isEqualTo("web.yaml:3: spec: broken");
    }

    @Test
    void stoppingAPodSaysKilling() {
        PodSync sync = sync(Map.of());
        StaticPod pod = pod("web", "");
        sync.sync(pod.key(), pod);

        sync.sync(pod.key(), null);

        assertThat(mirror.events).contains("Normal Killing app: Stopping container app");
    }

    @Test
    void whatAContainerWroteToItsTerminationLogIsItsTerminationMessage() throws Exception {
        PodSync sync = sync(Map.of());
        StaticPod pod = pod("once", "  restartPolicy: Never");
        sync.sync(pod.key(), pod);
        String id = appId(pod);
        LaunchSpec spec = runtime.launchSpec(id).orElseThrow();
        LaunchSpec.Mount log = spec.mounts().stream().filter(m -> m.containerPath().equals("/dev/termination-log"))
                .findFirst().orElseThrow();
        java.nio.file.Files.writeString(Path.of(log.hostPath()), "disk full");
        runtime.exit(id, 3);

        sync.sync(pod.key(), pod);

        assertThat(mirror.statuses.get(pod.key()).containers().get(0).state())
                .isInstanceOfSatisfying(PodStatus.Terminated.class, t -> {
                    assertThat(t.exitCode()).isEqualTo(3);
                    assertThat(t.message()).isEqualTo("disk full");
                });
    }
}
