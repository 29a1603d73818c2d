package io.staticpod.agent.sync;

import io.staticpod.agent.relist.ContainerView;
import io.staticpod.agent.testing.TestPods;
import io.staticpod.manifest.PodIdentity;
import io.staticpod.manifest.StaticPod;
import io.staticpod.manifest.WellKnown;
import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.ExecSync;
import io.staticpod.runtime.spi.NamespaceMode;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.Sandbox;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.testing.FakeContainerRuntime.Call;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.staticpod.agent.testing.TestPods.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The pod sync step by step, against the in-memory runtime and a clock stepped by hand. */
class PodSyncTest {
    @TempDir
    Path root;
    private SyncFixture f;

    private SyncFixture fixture() {
        f = new SyncFixture(root);
        return f;
    }

    @AfterEach
    void close() {
        if (f != null) {
            f.close();
        }
    }

    @Test
    void startsASandboxThenItsContainersInItWithTheKubeletsLabels() {
        SyncFixture f = fixture();
        StaticPod pod = pod("web", "");

        assertThat(f.sync(pod)).isNull();

        Sandbox sandbox = f.view(pod).sandboxes().get(0);
        ContainerView app = f.running(pod, "app");
        assertThat(sandbox.ready()).isTrue();
        assertThat(sandbox.metadata().attempt()).isZero();
        assertThat(app.sandboxId()).isEqualTo(sandbox.id());
        assertThat(app.status().labels()).containsEntry(WellKnown.POD_NAME, "web-n1")
                .containsEntry(WellKnown.POD_NAMESPACE, "default").containsEntry(WellKnown.POD_UID, pod.uid())
                .containsEntry(WellKnown.CONTAINER_NAME, "app").containsEntry(WellKnown.OWNER, TestPods.NODE);
        assertThat(f.runtime.changes).containsExactly("run_sandbox " + pod.uid() + "#0", "create app#0",
                "start " + app.id());
        assertThat(f.runtime.containerConfigs.get(app.id()).command()).containsExactly("sleep", "3600");
    }

    @Test
    void aSecondSyncOfARunningPodAsksTheRuntimeNothing() {
        SyncFixture f = fixture();
        StaticPod pod = pod("web", "");
        f.sync(pod);
        int snapshots = f.fake.calls(Call.SNAPSHOT);
        int statuses = f.fake.calls(Call.STATUS);

        f.sync(pod);

        assertThat(f.fake.calls(Call.SNAPSHOT)).isEqualTo(snapshots);
        assertThat(f.fake.calls(Call.STATUS)).isEqualTo(statuses);
        assertThat(f.fake.calls(Call.CREATE)).isEqualTo(1);
    }

    @Test
    void hostNetworkPodsHaveASandboxOnTheNodesNetwork() {
        SyncFixture f = fixture();
        StaticPod pod = pod("hn", "  hostNetwork: true");

        f.sync(pod);

        SandboxConfig sandbox = f.runtime.sandboxConfigs.values().iterator().next();
        assertThat(sandbox.namespaces().network()).isEqualTo(NamespaceMode.NODE);
        assertThat(f.running(pod, "app").sandboxId()).isEqualTo(f.view(pod).sandboxes().get(0).id());
    }

    @Test
    void restartsACrashedContainerAtOnceThenAfterTenAndTwentySeconds() {
        SyncFixture f = fixture();
        StaticPod pod = pod("web", "");
        f.sync(pod);

        f.exit(pod, f.running(pod, "app").id(), 1);
        assertThat(f.sync(pod)).isNull();
        ContainerView second = f.running(pod, "app");
        assertThat(second.attempt()).isEqualTo(1);

        f.exit(pod, second.id(), 1);
        assertThat(f.sync(pod)).isEqualTo(f.clock.instant().plusSeconds(10));
        assertThat(f.containers(pod, "app")).noneMatch(ContainerView::running);
        f.clock.advance(Duration.ofSeconds(10));
        assertThat(f.sync(pod)).isNull();
        ContainerView third = f.running(pod, "app");
        assertThat(third.attempt()).isEqualTo(2);

        f.exit(pod, third.id(), 1);
        assertThat(f.sync(pod)).isEqualTo(f.clock.instant().plusSeconds(20));
    }

    @Test
    void keepsOnlyTheNewestDeadInstanceOfAContainer() {
        SyncFixture f = fixture();
        StaticPod pod = pod("web", "");
        f.sync(pod);
        for (int i = 0; i < 3; i++) {
            f.exit(pod, f.running(pod, "app").id(), 1);
            f.clock.advance(Duration.ofMinutes(5));
            f.sync(pod);
        }
        f.sync(pod);

        assertThat(f.containers(pod, "app")).extracting(ContainerView::attempt).containsExactly(3, 2);
    }

    @Test
    void onFailureDoesNotRestartASuccessfulContainerAndNeverRestartsNothing() {
        SyncFixture f = fixture();
        StaticPod onFailure = pod("job", "  restartPolicy: OnFailure");
        StaticPod never = pod("once", "  restartPolicy: Never");
        f.sync(onFailure);
        f.sync(never);

        f.exit(onFailure, f.running(onFailure, "app").id(), 0);
        f.exit(never, f.running(never, "app").id(), 1);
        f.sync(onFailure);
        f.sync(never);

        assertThat(f.fake.calls(Call.CREATE)).isEqualTo(2);
        assertThat(f.view(onFailure).sandboxes()).noneMatch(Sandbox::ready); // done: the sandbox is released
        assertThat(f.view(never).sandboxes()).noneMatch(Sandbox::ready);
    }

    @Test
    void aNewVersionStopsTheOldOneBeforeStartingAndARemovalStopsEverything() {
        SyncFixture f = fixture();
        StaticPod v1 = pod("web", "");
        StaticPod v2 = pod("web", "  terminationGracePeriodSeconds: 5");
        assertThat(v2.uid()).isNotEqualTo(v1.uid());
        f.sync(v1);
        String oldApp = f.running(v1, "app").id();
        f.runtime.changes.clear();

        f.sync(v2);

        assertThat(f.view(v2).containers()).allSatisfy(c -> assertThat(c.podUid()).isEqualTo(v2.uid()));
        List<String> changes = f.runtime.changes;
        assertThat(changes.indexOf("stop " + oldApp)).isBetween(0, changes.indexOf("run_sandbox " + v2.uid() + "#0"));
        ContainerView app = f.running(v2, "app");
        assertThat(f.runtime.containerConfigs.get(app.id()).annotations())
                .containsEntry(WellKnown.POD_TERMINATION_GRACE_PERIOD, "5");

        f.sync.sync(v2.key(), null);

        assertThat(f.view(v2).isEmpty()).isTrue();
        assertThat(f.fake.stopGrace(app.id())).isEmpty(); // removed
    }

    @Test
    void aPinnedUidPodWhoseContainerChangedReplacesItStoppingItWithThePodsGracePeriod() {
        SyncFixture f = fixture();
        String manifest = """
                apiVersion: v1
                kind: Pod
                metadata: {name: pinned, uid: 1234-pinned}
                spec:
                  terminationGracePeriodSeconds: 7
                  containers:
                  - {name: app, image: busybox:test, command: [%s]}
                """;
        StaticPod v1 = TestPods.parse("pinned", manifest.formatted("one"));
        StaticPod v2 = TestPods.parse("pinned", manifest.formatted("two"));
        assertThat(v2.uid()).isEqualTo(v1.uid());
        f.sync(v1);
        String old = f.running(v1, "app").id();

        f.sync(v2);

        assertThat(f.fake.stopGrace(old)).contains(Duration.ofSeconds(7));
        ContainerView now = f.running(v2, "app");
        assertThat(now.attempt()).isEqualTo(1);
        assertThat(f.runtime.containerConfigs.get(now.id()).command()).containsExactly("two");
        assertThat(f.mirror.events).contains("Normal Killing app: Container app definition changed, will be restarted");
    }

    @Test
    void aPinnedUidPodWhoseSandboxSettingsChangedGetsANewSandboxAndItsContainersStartOverInIt() {
        SyncFixture f = fixture();
        String manifest = """
                apiVersion: v1
                kind: Pod
                metadata: {name: pinned, uid: 1234-pinned}
                spec:
                  hostNetwork: %s
                  containers:
                  - {name: app, image: busybox:test, command: [sleep, "3600"]}
                """;
        StaticPod v1 = TestPods.parse("pinned", manifest.formatted("false"));
        StaticPod v2 = TestPods.parse("pinned", manifest.formatted("true"));
        assertThat(v2.uid()).isEqualTo(v1.uid());
        f.sync(v1);
        Sandbox first = f.view(v1).sandboxes().get(0);
        String old = f.running(v1, "app").id();
        assertThat(first.labels()).containsEntry(WellKnown.SANDBOX_HASH, PodIdentity.sandboxHash(v1.pod()));

        f.sync(v2);

        Sandbox second = f.view(v2).sandboxes().stream().filter(Sandbox::ready).findFirst().orElseThrow();
        assertThat(second.id()).isNotEqualTo(first.id());
        assertThat(second.metadata().attempt()).isEqualTo(1);
        assertThat(second.labels()).containsEntry(WellKnown.SANDBOX_HASH, PodIdentity.sandboxHash(v2.pod()));
        assertThat(f.runtime.sandboxConfigs.get(second.id()).namespaces().network()).isEqualTo(NamespaceMode.NODE);
        assertThat(f.view(v2).sandboxes()).filteredOn(s -> s.id().equals(first.id()))
                .allSatisfy(s -> assertThat(s.ready()).isFalse());
        assertThat(f.fake.stopGrace(old)).isPresent();
        assertThat(f.running(v2, "app").sandboxId()).isEqualTo(second.id());
        assertThat(f.mirror.events).contains(
                "Normal Killing app: Pod sandbox changed, container app will be killed and re-created");

        int changes = f.runtime.changes.size();
        f.sync(v2);
        assertThat(f.runtime.changes).as("the new sandbox is kept").hasSize(changes);
    }

    @Test
    void aSandboxThatFailsToStartFailsTheSyncWhichTheLaneRetries() {
        SyncFixture f = fixture();
        StaticPod pod = pod("web", "");
        f.fake.refuseNext(Call.RUN_SANDBOX, "port 8080 is taken");

        assertThatThrownBy(() -> f.sync(pod)).isInstanceOf(RuntimeError.Refused.class)
                .hasMessageContaining("port 8080 is taken");
        assertThat(f.mirror.events).anyMatch(e -> e.startsWith("Warning FailedCreatePodSandBox"));

        assertThat(f.sync(pod)).isNull();
        assertThat(f.running(pod, "app")).isNotNull();
    }

    @Test
    void aContainerThatFailsToStartIsRetriedWithBackOffWhileTheOthersRun() {
        SyncFixture f = fixture();
        StaticPod pod = TestPods.parse("two", """
                apiVersion: v1
                kind: Pod
                metadata: {name: two}
                spec:
                  containers:
                  - {name: a, image: busybox:test}
                  - {name: b, image: busybox:test}
                """);
        f.fake.refuseNext(Call.CREATE, "no such user");

        assertThat(f.sync(pod)).isEqualTo(f.clock.instant().plusSeconds(1));
        assertThat(f.running(pod, "b")).isNotNull();
        assertThat(f.mirror.statuses.get(pod.key()).containers().get(0).state())
                .isInstanceOfSatisfying(io.staticpod.mirror.PodStatus.Waiting.class,
                        w -> assertThat(w.reason()).isEqualTo("CreateContainerError"));

        f.fake.refuseNext(Call.CREATE, "no such user");
        f.clock.advance(Duration.ofSeconds(1));
        assertThat(f.sync(pod)).isEqualTo(f.clock.instant().plusSeconds(1)); // the first retry is at once
        f.clock.advance(Duration.ofSeconds(1));
        assertThat(f.sync(pod)).isEqualTo(f.clock.instant().plusSeconds(9)); // then it backs off 10 s
        f.clock.advance(Duration.ofSeconds(9));
        assertThat(f.sync(pod)).isNull();
        assertThat(f.running(pod, "a").attempt()).isZero();
    }

    @Test
    void adoptsRunningContainersFromAnEarlierAgentWithoutRestartingThem() {
        SyncFixture first = fixture();
        StaticPod pod = pod("web", "");
        first.sync(pod);
        String appId = first.running(pod, "app").id();

        SyncFixture restarted = first.restarted();
        try {
            restarted.sync(pod);

            assertThat(restarted.runtime.changes).isEmpty();
            assertThat(restarted.running(pod, "app").id()).isEqualTo(appId);
        } finally {
            restarted.close();
        }
    }

    @Test
    void anOlderInstanceStillRunningBesideANewerOneIsStoppedAndRemoved() throws Exception {
        SyncFixture f = fixture();
        StaticPod pod = pod("web", "");
        f.sync(pod);
        Sandbox sandbox = f.view(pod).sandboxes().get(0);
        String older = f.running(pod, "app").id();
        // an agent killed while the next attempt was being started, restarted: both instances run
        SandboxConfig sandboxConfig = f.launch.sandbox(pod, 0);
        ContainerConfig next = f.launch.container(pod, pod.pod().spec().containers().get(0), 1,
                f.launch.prepare(pod, null));
        String newer = f.runtime().containers().create(sandbox.id(), next, sandboxConfig);
        f.runtime().containers().start(newer);
        f.cache.invalidate(pod.key());

        f.sync(pod);

        assertThat(f.containers(pod, "app")).extracting(ContainerView::id).containsExactly(newer);
        assertThat(f.view(pod).sandboxes()).extracting(Sandbox::id).containsExactly(sandbox.id());
    }

    @Test
    void aContainerWhoseLivenessProbeFailedIsStoppedInItsLaneAndRestarted() {
        SyncFixture f = fixture();
        StaticPod pod = TestPods.podWith("""
                    command: [sleep, "3600"]
                    livenessProbe: {exec: {command: [alive]}, periodSeconds: 1, failureThreshold: 1}
                """);
        f.fake.scriptExec(List.of("alive"), new ExecSync.ExecResult(1, "dead", false));
        f.sync(pod);
        ContainerView first = f.running(pod, "app");

        await().atMost(Duration.ofSeconds(10)).until(() -> f.prober.failed(first.id()) != null);
        f.sync(pod);

        ContainerView second = f.running(pod, "app");
        assertThat(second.attempt()).isEqualTo(1);
        assertThat(f.containers(pod, "app")).extracting(ContainerView::id).contains(first.id()); // kept for its logs
        assertThat(f.mirror.events).contains("Normal Killing app: Container app failed liveness probe, will be "
                + "restarted");
    }

    @Test
    void aContainerThatCannotStartBecauseItsSandboxStoppedMeanwhileIsNotCountedAsARestart() {
        SyncFixture f = fixture();
        StaticPod pod = pod("web", "");
        f.sync(pod);
        Sandbox sandbox = f.view(pod).sandboxes().get(0);
        // an engine shutting down: the container's exit is seen while its sandbox still looks ready
        f.exit(pod, f.running(pod, "app").id(), 0);
        f.view(pod);
        f.fake.sandboxes().stop(sandbox.id());

        f.sync(pod);

        assertThat(f.containers(pod, "app")).extracting(ContainerView::attempt).containsExactly(0);
        f.cache.invalidate(pod.key());
        f.sync(pod);
        assertThat(f.running(pod, "app").attempt()).isEqualTo(1);
        assertThat(f.running(pod, "app").sandboxId()).isNotEqualTo(sandbox.id());
    }

    @Test
    void aSandboxRemovedBehindTheAgentsBackIsReplacedAndItsContainersRestartInTheNewOne() {
        SyncFixture f = fixture();
        StaticPod pod = pod("web", "");
        f.sync(pod);
        Sandbox first = f.view(pod).sandboxes().get(0);

        f.runtime().sandboxes().remove(first.id());
        f.cache.invalidate(pod.key());
        f.sync(pod);

        Sandbox second = f.view(pod).sandboxes().get(0);
        assertThat(second.id()).isNotEqualTo(first.id());
        assertThat(f.running(pod, "app").sandboxId()).isEqualTo(second.id());
    }
}
