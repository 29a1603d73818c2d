package io.staticpod.agent.pod;

import io.staticpod.agent.testing.FakeHostMounts;
import io.staticpod.agent.StaticPodAgent;
import io.staticpod.agent.desired.DesiredChange;
import io.staticpod.agent.launch.EnvResolver;
import io.staticpod.agent.launch.LaunchConfigs;
import io.staticpod.agent.launch.Volumes;
import io.staticpod.agent.testing.RecordingMirrorClient;
import io.staticpod.agent.testing.TestPods;
import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;
import io.staticpod.manifest.WellKnown;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.testing.FakeContainerRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Set;
import java.util.HashMap;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What the pod layer does about what the relister finds that no manifest wants. */
class PodSupervisorTest {
    @TempDir
    Path root;
    private final FakeContainerRuntime runtime = new FakeContainerRuntime(InstantSource.system());
    /** The reconcile thread: tasks run when the test says so. */
    private final Queue<Runnable> reconcile = new ConcurrentLinkedQueue<>();
    private PodSupervisor supervisor;

    private PodSupervisor supervisor() {
        runtime.addImage(TestPods.BUSYBOX);
        supervisor = StaticPodAgent.pods(runtime, TestPods.NODE, root, InstantSource.system(), InstantSource.system(),
                new RecordingMirrorClient(), StaticPodAgent.relister(runtime, TestPods.NODE, InstantSource.system()),
                null, reconcile::add);
        return supervisor;
    }

    /** Runs what was handed to the reconcile thread so far. */
    private void runReconcile() {
        for (Runnable task; (task = reconcile.poll()) != null; ) {
            task.run();
        }
    }

    private static DesiredChange allSourcesSeen(StaticPod... pods) {
        Map<PodKey, StaticPod> set = new HashMap<>();
        for (StaticPod p : pods) {
            set.put(p.key(), p);
        }
        return new DesiredChange(List.of(pods), Set.of(), Map.of(), set, true);
    }

    @AfterEach
    void close() {
        if (supervisor != null) {
            supervisor.close();
        }
    }

    /** Runs a pod as an earlier agent did; returns its sandbox's and its container's ids. */
    private String[] leftBehind(StaticPod pod) throws Exception {
        runtime.addImage(TestPods.BUSYBOX);
        LaunchConfigs launch = new LaunchConfigs(TestPods.NODE, new Volumes(root, new FakeHostMounts()),
                new EnvResolver(TestPods.NODE, "192.0.2.1", 1, 1L << 30), null);
        SandboxConfig sandbox = launch.sandbox(pod, 0);
        String sandboxId = runtime.sandboxes().run(sandbox);
        String id = runtime.containers().create(sandboxId, launch.container(pod, pod.pod().spec().containers().get(0),
                0, launch.prepare(pod, null)), sandbox);
        runtime.containers().start(id);
        return new String[] {sandboxId, id};
    }

    private int owned() {
        return runtime.snapshot(Map.of(WellKnown.OWNER, TestPods.NODE)).containers().size();
    }

    @Test
    void containersOfAPodNoManifestWantsAreRemovedOnlyAfterTheFirstFullScan() throws Exception {
        StaticPod orphan = TestPods.pod("orphan", "");
        leftBehind(orphan);
        PodSupervisor supervisor = supervisor();

        supervisor.relisted(Set.of(orphan.key()), Set.of(orphan.uid()));
        runReconcile();
        assertThat(owned()).isEqualTo(1);

        supervisor.apply(allSourcesSeen());
        supervisor.relisted(Set.of(orphan.key()), Set.of(orphan.uid()));
        runReconcile();

        await().atMost(Duration.ofSeconds(10)).until(() -> owned() == 0);
        assertThat(runtime.snapshot(Map.of(WellKnown.OWNER, TestPods.NODE)).sandboxes()).isEmpty();
    }

    @Test
    void theStateOfPodsThatNoLaneWantsAndNoContainerUsesIsRemoved() throws Exception {
        StaticPod kept = TestPods.pod("kept", "");
        PodSupervisor supervisor = supervisor();
        supervisor.apply(allSourcesSeen(kept));
        await().atMost(Duration.ofSeconds(10)).until(() -> !reconcile.isEmpty());
        runReconcile(); // the relist the first full desired set asks for
        Path gone = Files.createDirectories(root.resolve("pods/0123-gone/containers/app"));
        Files.writeString(gone.resolve("0-termination-log"), "bye");
        Path used = Files.createDirectories(root.resolve("pods/4567-used"));
        Path keptDir = Files.createDirectories(root.resolve("pods").resolve(kept.uid()));

        supervisor.relisted(Set.of(), Set.of("4567-used"));
        runReconcile();

        assertThat(root.resolve("pods/0123-gone")).doesNotExist();
        assertThat(used).isDirectory();
        assertThat(keptDir).isDirectory();
    }

    @Test
    void orphansAreDecidedOnTheReconcileThreadNotOnTheRelisters() throws Exception {
        StaticPod orphan = TestPods.pod("orphan", "");
        leftBehind(orphan);
        Path gone = Files.createDirectories(root.resolve("pods/0123-gone"));
        PodSupervisor supervisor = supervisor();
        supervisor.apply(allSourcesSeen());

        supervisor.relisted(Set.of(orphan.key()), Set.of(orphan.uid()));

        assertThat(gone).isDirectory();
        assertThat(supervisor.wake(orphan.key())).as("no lane yet: nothing decided on the relist thread").isFalse();
        runReconcile();
        assertThat(gone).doesNotExist();
        await().atMost(Duration.ofSeconds(10)).until(() -> owned() == 0);
    }

    @Test
    void theRunningContainerAndTheReadySandboxOfAPodVersionAreReadFromThePodCache() throws Exception {
        StaticPod pod = TestPods.pod("web", "");
        String[] ids = leftBehind(pod);
        PodSupervisor supervisor = supervisor();

        assertThat(supervisor.runningContainer(pod, "app")).contains(ids[1]);
        assertThat(supervisor.readySandbox(pod)).contains(ids[0]);
        assertThat(supervisor.runningContainer(pod, "other")).isEmpty();
        StaticPod otherVersion = TestPods.pod("web", "  hostNetwork: true");
        assertThat(otherVersion.uid()).isNotEqualTo(pod.uid());
        assertThat(supervisor.runningContainer(otherVersion, "app")).isEmpty();
        assertThat(supervisor.readySandbox(otherVersion)).isEmpty();
    }

    @Test
    void anExitedContainerAndAStoppedSandboxAreNotOffered() throws Exception {
        StaticPod pod = TestPods.pod("web", "");
        String[] ids = leftBehind(pod);
        PodSupervisor supervisor = supervisor();
        runtime.exit(ids[1], 1);
        runtime.sandboxes().stop(ids[0]);

        assertThat(supervisor.runningContainer(pod, "app")).isEmpty();
        assertThat(supervisor.readySandbox(pod)).isEmpty();
    }
}
