package io.staticpod.mirror.api;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;
import io.staticpod.manifest.WellKnown;
import io.staticpod.mirror.MirrorClient;
import io.staticpod.mirror.NodeReadiness;
import io.staticpod.mirror.PodEvent;
import io.staticpod.mirror.PodStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static io.staticpod.mirror.api.TestPods.NODE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What the mirror client writes, on fabric8's mock API server, with the client on its own worker thread. */
class ApiServerMirrorClientTest {
    Harness h;
    ApiServerMirrorClient mirror;
    KubernetesClient kubectl;
    MutableClock clock;

    @BeforeEach
    void setUp() {
        h = Harness.up();
        kubectl = h.kubectl;
        clock = h.wall;
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    ApiServerMirrorClient startClient() {
        mirror = h.threaded();
        return mirror;
    }

    Pod mirrorOf(StaticPod sp) {
        return h.mirrorOf(sp);
    }

    Pod awaitMirror(StaticPod sp) {
        return h.awaitMirror(sp);
    }

    /** The mirror read once, so that a condition sees one state of it. */
    boolean mirrorMatches(StaticPod sp, java.util.function.Predicate<Pod> ok) {
        return ok.test(mirrorOf(sp));
    }

    Node node() {
        return h.node();
    }

    Lease lease() {
        return h.lease();
    }

    List<Event> eventsOf(Pod mirrorPod) {
        return h.eventsOf(mirrorPod);
    }

    static PodStatus.ContainerStatus running(String name, boolean ready, int restarts) {
        return Harness.running(name, ready, restarts);
    }

    // --- node and lease

    @Test
    void registersNodeWithLabelsAddressesCapacityInfoAndReadyCondition() {
        startClient();
        await().atMost(Harness.WAIT).until(() -> node() != null && node().getStatus() != null
                && node().getStatus().getConditions() != null && !node().getStatus().getConditions().isEmpty());
        Node node = node();
        assertThat(node.getMetadata().getLabels()).containsEntry("kubernetes.io/hostname", NODE)
                .containsEntry("kubernetes.io/os", "linux").containsEntry("kubernetes.io/arch", "amd64")
                .containsEntry("example.com/role", "edge")
                .doesNotContainKey("node-restriction.kubernetes.io/zone");
        var status = node.getStatus();
        assertThat(status.getAddresses()).extracting(a -> a.getType() + "=" + a.getAddress())
                .containsExactly("InternalIP=10.1.2.3", "Hostname=" + NODE);
        assertThat(status.getCapacity()).containsKeys("cpu", "memory", "pods");
        assertThat(status.getCapacity().get("memory").toString()).isEqualTo("25165824Ki");
        assertThat(status.getCapacity().get("pods").toString()).isEqualTo("110");
        assertThat(status.getAllocatable().get("cpu").toString()).isEqualTo("4");
        assertThat(status.getNodeInfo().getKubeletVersion()).isEqualTo("v1.20.2-static-pod-agent");
        assertThat(status.getNodeInfo().getContainerRuntimeVersion()).isEqualTo("docker://20.10.24");
        assertThat(status.getNodeInfo().getOsImage()).isEqualTo("Debian GNU/Linux 12 (bookworm)");
        assertThat(status.getNodeInfo().getKernelVersion()).isEqualTo("5.10.0-21-amd64");
        NodeCondition ready = status.getConditions().get(status.getConditions().size() - 1);
        assertThat(ready.getType()).isEqualTo("Ready");
        assertThat(ready.getStatus()).isEqualTo("True");
        assertThat(ready.getReason()).isEqualTo("KubeletReady");
    }

    @Test
    void nodeTurnsNotReadyWhenTheRuntimeIsDownAndReadyAgainWhenItIsBack() {
        startClient();
        await().atMost(Harness.WAIT).until(() -> "True".equals(readyStatus()));
        h.runtime.set(new NodeReadiness.Runtime(false, "docker: Cannot connect to the Docker daemon"));
        await().atMost(Harness.WAIT).until(() -> "False".equals(readyStatus()));
        NodeCondition ready = readyCondition();
        assertThat(ready.getReason()).isEqualTo("KubeletNotReady");
        assertThat(ready.getMessage()).contains("Cannot connect to the Docker daemon");
        h.runtime.set(new NodeReadiness.Runtime(true, ""));
        await().atMost(Harness.WAIT).until(() -> "True".equals(readyStatus()));
    }

    NodeCondition readyCondition() {
        return h.readyCondition();
    }

    String readyStatus() {
        return h.readyStatus();
    }

    @Test
    void createsTheLeaseOwnedByTheNodeAndRenewsIt() {
        startClient();
        await().atMost(Harness.WAIT).until(() -> lease() != null);
        Lease lease = lease();
        assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(NODE);
        assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(40);
        assertThat(lease.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getKind()).isEqualTo("Node");
            assertThat(o.getName()).isEqualTo(NODE);
            assertThat(o.getUid()).isEqualTo(node().getMetadata().getUid());
        });
        var first = lease.getSpec().getRenewTime().toInstant();
        clock.advance(Duration.ofSeconds(10));
        await().atMost(Harness.WAIT)
                .until(() -> lease().getSpec().getRenewTime().toInstant().isAfter(first));
        assertThat(lease().getSpec().getRenewTime().toInstant()).isEqualTo(first.plusSeconds(10));
    }

    // --- mirror pods

    @Test
    void createsTheMirrorWithTheKubeletsAnnotationsAndOneControllerOwnerReferenceToTheNode() {
        StaticPod web = TestPods.pod("default", "web", "busybox:1.36");
        startClient().desiredPods(TestPods.desired(web));
        Pod m = awaitMirror(web);
        assertThat(m.getMetadata().getName()).isEqualTo("web-" + NODE);
        assertThat(m.getMetadata().getAnnotations())
                .containsEntry(WellKnown.CONFIG_MIRROR, web.uid())
                .containsEntry(WellKnown.CONFIG_HASH, web.uid())
                .containsEntry(WellKnown.CONFIG_SOURCE, "file")
                .containsEntry(WellKnown.CONFIG_SEEN, "2024-05-01T10:00:00.123456789Z");
        assertThat(m.getMetadata().getLabels()).containsEntry("app", "web");
        List<OwnerReference> owners = m.getMetadata().getOwnerReferences();
        assertThat(owners).singleElement().satisfies(o -> {
            assertThat(o.getApiVersion()).isEqualTo("v1");
            assertThat(o.getKind()).isEqualTo("Node");
            assertThat(o.getName()).isEqualTo(NODE);
            assertThat(o.getUid()).isEqualTo(node().getMetadata().getUid());
            assertThat(o.getController()).isTrue();
            assertThat(o.getBlockOwnerDeletion()).isNull();
        });
        assertThat(m.getSpec().getNodeName()).isEqualTo(NODE);
        assertThat(m.getSpec().getContainers().get(0).getImage()).isEqualTo("busybox:1.36");
        assertThat(m.getSpec().getTolerations()).anySatisfy(t -> {
            assertThat(t.getOperator()).isEqualTo("Exists");
            assertThat(t.getEffect()).isEqualTo("NoExecute");
        });
        assertThat(m.getMetadata().getUid()).isNotEqualTo(web.uid());
    }

    @Test
    void keepsAMirrorThatAlreadyExistsWithTheSameHash() {
        StaticPod web = TestPods.pod("default", "web", "busybox:1.36");
        startClient().desiredPods(TestPods.desired(web));
        String uid = awaitMirror(web).getMetadata().getUid();
        h.closeClient();

        startClient();
        mirror.desiredPods(TestPods.desired(web));
        mirror.podStatus(web.key(), new PodStatus(web.uid(), PodStatus.Phase.Running, clock.instant(), null,
                List.of(), List.of(running("app", true, 0)), null));
        await().atMost(Harness.WAIT).until(() -> mirrorOf(web).getStatus() != null
                && "Running".equals(mirrorOf(web).getStatus().getPhase()));
        assertThat(mirrorOf(web).getMetadata().getUid()).isEqualTo(uid);
    }

    @Test
    void recreatesAMirrorDeletedThroughTheApiWithANewUid() {
        StaticPod web = TestPods.pod("default", "web", "busybox:1.36");
        startClient().desiredPods(TestPods.desired(web));
        String uid = awaitMirror(web).getMetadata().getUid();
        kubectl.pods().inNamespace("default").withName(web.key().name()).withGracePeriod(0).delete();
        await().atMost(Harness.WAIT).until(() -> mirrorMatches(web, p -> p != null
                && !p.getMetadata().getUid().equals(uid)));
        assertThat(mirrorOf(web).getMetadata().getAnnotations()).containsEntry(WellKnown.CONFIG_MIRROR, web.uid());
    }

    @Test
    void deletesAMirrorBeingDeletedGracefullyAtOnceWithItsUidAsPreconditionAndRecreatesIt() throws Exception {
        StaticPod web = TestPods.pod("default", "web", "busybox:1.36");
        startClient().desiredPods(TestPods.desired(web));
        String uid = awaitMirror(web).getMetadata().getUid();
        // a finalizer holds the object, so that the mock server marks it (deletionTimestamp) instead of removing it,
        // as the API server does for kubectl delete with a grace period
        kubectl.pods().inNamespace("default").withName(web.key().name()).edit(p -> new PodBuilder(p)
                .editMetadata().addToFinalizers("example.com/hold").endMetadata().build());
        h.api.takeRequests();
        kubectl.pods().inNamespace("default").withName(web.key().name()).delete();
        await().atMost(Harness.WAIT).until(() -> h.api.deleteBodies().stream()
                .anyMatch(b -> b.contains("\"gracePeriodSeconds\":0") && b.contains("\"uid\":\"" + uid + "\"")));
        // the API server completes the deletion once the finalizer is gone
        kubectl.pods().inNamespace("default").withName(web.key().name()).edit(p -> new PodBuilder(p)
                .editMetadata().withFinalizers(List.of()).endMetadata().build());
        await().atMost(Harness.WAIT).until(() -> mirrorMatches(web, p -> p != null
                && !p.getMetadata().getUid().equals(uid)
                && p.getMetadata().getDeletionTimestamp() == null));
    }

    @Test
    void replacesTheMirrorWhenTheStaticPodsHashChanges() {
        StaticPod v1 = TestPods.pod("default", "web", "busybox:1.36");
        StaticPod v2 = TestPods.pod("default", "web", "busybox:1.37");
        startClient().desiredPods(TestPods.desired(v1));
        String uid = awaitMirror(v1).getMetadata().getUid();
        mirror.desiredPods(TestPods.desired(v2));
        await().atMost(Harness.WAIT).until(() -> mirrorMatches(v2, p -> p != null
                && v2.uid().equals(p.getMetadata().getAnnotations().get(WellKnown.CONFIG_MIRROR))));
        Pod m = mirrorOf(v2);
        assertThat(m.getMetadata().getUid()).isNotEqualTo(uid);
        assertThat(m.getSpec().getContainers().get(0).getImage()).isEqualTo("busybox:1.37");
    }

    @Test
    void replacesAMirrorWhoseImageWasEditedThroughTheApiAndSaysWhatToEditInstead() {
        StaticPod web = TestPods.pod("default", "web", "busybox:1.36");
        startClient().desiredPods(TestPods.desired(web));
        String uid = awaitMirror(web).getMetadata().getUid();
        // kubectl set image pod/web-node-1 app=nginx
        kubectl.pods().inNamespace("default").withName(web.key().name()).edit(p -> new PodBuilder(p)
                .editSpec().editFirstContainer().withImage("nginx").endContainer().endSpec().build());
        await().atMost(Harness.WAIT).until(() -> mirrorMatches(web, p -> p != null
                && !p.getMetadata().getUid().equals(uid)));
        Pod m = mirrorOf(web);
        assertThat(m.getSpec().getContainers().get(0).getImage()).isEqualTo("busybox:1.36");
        await().atMost(Harness.WAIT).until(() -> eventsOf(m).stream()
                .anyMatch(e -> e.getReason().equals("MirrorPodSpecEdited")));
        Event e = eventsOf(m).stream().filter(x -> x.getReason().equals("MirrorPodSpecEdited")).findFirst()
                .orElseThrow();
        assertThat(e.getType()).isEqualTo("Warning");
        assertThat(e.getMessage()).isEqualTo("mirror pod spec was edited through the API; the static pod's "
                + "manifest is what runs: edit /etc/kubernetes/manifests/web.yaml instead");
    }

    @Test
    void leavesAnEditOfLabelsAlone() {
        StaticPod web = TestPods.pod("default", "web", "busybox:1.36");
        startClient().desiredPods(TestPods.desired(web));
        String uid = awaitMirror(web).getMetadata().getUid();
        kubectl.pods().inNamespace("default").withName(web.key().name()).edit(p -> new PodBuilder(p)
                .editMetadata().addToLabels("team", "a").endMetadata().build());
        mirror.podStatus(web.key(), new PodStatus(web.uid(), PodStatus.Phase.Running, clock.instant(), null,
                List.of(), List.of(running("app", true, 0)), null));
        await().atMost(Harness.WAIT).until(() -> mirrorOf(web).getStatus() != null
                && "Running".equals(mirrorOf(web).getStatus().getPhase()));
        assertThat(mirrorOf(web).getMetadata().getUid()).isEqualTo(uid);
    }

    @Test
    void deletesTheMirrorOfARemovedStaticPod() {
        StaticPod web = TestPods.pod("default", "web", "busybox:1.36");
        StaticPod db = TestPods.pod("default", "db", "busybox:1.36");
        startClient().desiredPods(TestPods.desired(web, db));
        awaitMirror(web);
        awaitMirror(db);
        mirror.desiredPods(TestPods.desired(web));
        await().atMost(Harness.WAIT).until(() -> mirrorOf(db) == null);
        assertThat(mirrorOf(web)).isNotNull();
    }

    @Test
    void deletesOrphanedMirrorsOfThisNodeOnlyAfterTheFirstDesiredSet() {
        Pod orphan = foreignPod("old-" + NODE, NODE, true);
        Pod otherNode = foreignPod("old-node-2", "node-2", true);
        Pod notAMirror = foreignPod("plain", NODE, false);
        StaticPod web = TestPods.pod("default", "web", "busybox:1.36");
        startClient();
        await().atMost(Harness.WAIT).until(() -> lease() != null);
        assertThat(kubectl.pods().inNamespace("default").withName(orphan.getMetadata().getName()).get()).isNotNull();

        mirror.desiredPods(TestPods.desired(web));
        await().atMost(Harness.WAIT).until(() -> kubectl.pods().inNamespace("default")
                .withName(orphan.getMetadata().getName()).get() == null);
        awaitMirror(web);
        assertThat(kubectl.pods().inNamespace("default").withName(otherNode.getMetadata().getName()).get())
                .isNotNull();
        assertThat(kubectl.pods().inNamespace("default").withName(notAMirror.getMetadata().getName()).get())
                .isNotNull();
    }

    Pod foreignPod(String name, String node, boolean mirrorAnnotation) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).withNamespace("default")
                .addToAnnotations(mirrorAnnotation ? Map.of(WellKnown.CONFIG_MIRROR, "0ld") : Map.of())
                .endMetadata()
                .withNewSpec().withNodeName(node).addNewContainer().withName("c").withImage("busybox")
                .endContainer().endSpec();
        return kubectl.pods().inNamespace("default").resource(b.build()).create();
    }

    // --- events

    @Test
    void writesEventsAboutTheMirrorAsTheKubeletDoesAndCountsRepeats() {
        StaticPod web = TestPods.pod("default", "web", "busybox:1.36");
        startClient().desiredPods(TestPods.desired(web));
        // before the mirror exists: held, then sent
        mirror.podEvent(web.key(), new PodEvent(PodEvent.Type.Normal, "Started", "Started container app", "app"));
        Pod m = awaitMirror(web);
        await().atMost(Harness.WAIT).until(() -> eventsOf(m).size() == 1);
        Event e = eventsOf(m).get(0);
        assertThat(e.getInvolvedObject().getKind()).isEqualTo("Pod");
        assertThat(e.getInvolvedObject().getName()).isEqualTo(web.key().name());
        assertThat(e.getInvolvedObject().getNamespace()).isEqualTo("default");
        assertThat(e.getInvolvedObject().getFieldPath()).isEqualTo("spec.containers{app}");
        assertThat(e.getSource().getComponent()).isEqualTo("kubelet");
        assertThat(e.getSource().getHost()).isEqualTo(NODE);
        assertThat(e.getReason()).isEqualTo("Started");
        assertThat(e.getType()).isEqualTo("Normal");
        assertThat(e.getCount()).isEqualTo(1);
        assertThat(e.getFirstTimestamp()).isEqualTo("2024-05-01T10:00:00Z");

        clock.advance(Duration.ofSeconds(30));
        mirror.podEvent(web.key(), new PodEvent(PodEvent.Type.Normal, "Started", "Started container app", "app"));
        await().atMost(Harness.WAIT).until(() -> eventsOf(m).get(0).getCount() == 2);
        assertThat(eventsOf(m)).hasSize(1);
        assertThat(eventsOf(m).get(0).getLastTimestamp()).isEqualTo("2024-05-01T10:00:30Z");
    }

    // --- status

    @Test
    void writesTheStatusSoKubectlShowsReadyStatusAndRestarts() {
        StaticPod web = TestPods.pod("default", "web", "busybox:1.36");
        startClient().desiredPods(TestPods.desired(web));
        awaitMirror(web);
        mirror.podStatus(web.key(), new PodStatus(web.uid(), PodStatus.Phase.Running,
                Instant.parse("2024-05-01T10:00:01Z"), null, List.of(), List.of(running("app", true, 2)), null));
        await().atMost(Harness.WAIT).untilAsserted(() -> assertThat(KubectlPrinter.row(mirrorOf(web))).isEqualTo("1/1 Running 2"));
        Pod m = mirrorOf(web);
        assertThat(m.getStatus().getHostIP()).isEqualTo("10.1.2.3");
        assertThat(m.getStatus().getPodIP()).isEqualTo("10.1.2.3");
        assertThat(m.getStatus().getStartTime()).isEqualTo("2024-05-01T10:00:01Z");
        assertThat(m.getStatus().getConditions()).extracting(c -> c.getType() + "=" + c.getStatus())
                .containsExactlyInAnyOrder("Initialized=True", "Ready=True", "ContainersReady=True",
                        "PodScheduled=True");
        var cs = m.getStatus().getContainerStatuses().get(0);
        assertThat(cs.getContainerID()).isEqualTo("docker://0123456789ab");
        assertThat(cs.getImageID()).isEqualTo("docker-pullable://busybox@sha256:abc");
        assertThat(cs.getStarted()).isTrue();

        var crashing = new PodStatus.ContainerStatus("app", "busybox:1.36", "", "docker://0123456789ac",
                new PodStatus.Waiting("CrashLoopBackOff", "back-off 20s restarting failed container=app"),
                new PodStatus.Terminated(1, "Error", null, Instant.parse("2024-05-01T10:00:05Z"),
                        Instant.parse("2024-05-01T10:00:06Z"), "docker://0123456789ac"), false, false, 3);
        mirror.podStatus(web.key(), new PodStatus(web.uid(), PodStatus.Phase.Running,
                Instant.parse("2024-05-01T10:00:01Z"), null, List.of(), List.of(crashing), null));
        await().atMost(Harness.WAIT)
                .untilAsserted(() -> assertThat(KubectlPrinter.row(mirrorOf(web))).isEqualTo("0/1 CrashLoopBackOff 3"));
        m = mirrorOf(web);
        assertThat(m.getStatus().getContainerStatuses().get(0).getLastState().getTerminated().getExitCode())
                .isEqualTo(1);
        assertThat(m.getStatus().getConditions()).filteredOn(c -> c.getType().equals("Ready")).singleElement()
                .satisfies(c -> {
                    assertThat(c.getStatus()).isEqualTo("False");
                    assertThat(c.getReason()).isEqualTo("ContainersNotReady");
                    assertThat(c.getMessage()).isEqualTo("containers with unready status: [app]");
                });

        mirror.podStatus(web.key(), terminated(web, PodStatus.Phase.Failed, 2, "Error"));
        await().atMost(Harness.WAIT).untilAsserted(() -> assertThat(KubectlPrinter.row(mirrorOf(web))).isEqualTo("0/1 Error 0"));
        mirror.podStatus(web.key(), terminated(web, PodStatus.Phase.Succeeded, 0, "Completed"));
        await().atMost(Harness.WAIT)
                .untilAsserted(() -> assertThat(KubectlPrinter.row(mirrorOf(web))).isEqualTo("0/1 Completed 0"));
    }

    static PodStatus terminated(StaticPod sp, PodStatus.Phase phase, int exit, String reason) {
        return Harness.terminated(sp, phase, exit, reason);
    }

    @Test
    void showsAnInvalidManifestAsAConditionAndOneWarningEvent() {
        StaticPod web = TestPods.pod("default", "web", "busybox:1.36");
        startClient().desiredPods(TestPods.desired(web));
        Pod m = awaitMirror(web);
        String error = "/etc/kubernetes/manifests/web.yaml:7: spec.containers[0].image: required";
        PodStatus invalid = new PodStatus(web.uid(), PodStatus.Phase.Running, clock.instant(), null, List.of(),
                List.of(running("app", true, 0)), error);
        mirror.podStatus(web.key(), invalid);
        await().atMost(Harness.WAIT).ignoreExceptions() // no status yet: not yet
                .until(() -> mirrorOf(web).getStatus().getConditions() != null
                && mirrorOf(web).getStatus().getConditions().stream()
                .anyMatch(c -> c.getType().equals("StaticPodManifestValid")));
        assertThat(mirrorOf(web).getStatus().getConditions())
                .filteredOn(c -> c.getType().equals("StaticPodManifestValid")).singleElement().satisfies(c -> {
                    assertThat(c.getStatus()).isEqualTo("False");
                    assertThat(c.getReason()).isEqualTo("InvalidManifest");
                    assertThat(c.getMessage()).isEqualTo(error);
                });
        mirror.podStatus(web.key(), new PodStatus(web.uid(), PodStatus.Phase.Running, clock.instant(), null,
                List.of(), List.of(running("app", false, 0)), error));
        await().atMost(Harness.WAIT).ignoreExceptions()
                .until(() -> KubectlPrinter.row(mirrorOf(web)).startsWith("0/1"));
        assertThat(eventsOf(m)).filteredOn(e -> e.getReason().equals("FailedValidation")).singleElement()
                .satisfies(e -> {
                    assertThat(e.getType()).isEqualTo("Warning");
                    assertThat(e.getMessage()).isEqualTo(error);
                });
    }

    @Test
    void writesTheStatusAgainToARecreatedMirror() {
        StaticPod web = TestPods.pod("default", "web", "busybox:1.36");
        startClient().desiredPods(TestPods.desired(web));
        String uid = awaitMirror(web).getMetadata().getUid();
        mirror.podStatus(web.key(), new PodStatus(web.uid(), PodStatus.Phase.Running, clock.instant(), null,
                List.of(), List.of(running("app", true, 0)), null));
        await().atMost(Harness.WAIT).untilAsserted(() -> assertThat(KubectlPrinter.row(mirrorOf(web))).isEqualTo("1/1 Running 0"));
        kubectl.pods().inNamespace("default").withName(web.key().name()).withGracePeriod(0).delete();
        await().atMost(Harness.WAIT).until(() -> mirrorMatches(web, p -> p != null
                && !p.getMetadata().getUid().equals(uid)
                && p.getStatus() != null
                && KubectlPrinter.row(p).equals("1/1 Running 0")));
    }

    @Test
    void standaloneModeDoesNothingAndCloseStopsTheClientQuietly() {
        MirrorClient none = MirrorClient.NONE;
        none.start();
        none.desiredPods(Map.of());
        none.close();
        try (LogCapture logs = new LogCapture()) {
            startClient().desiredPods(Map.<PodKey, StaticPod>of());
            await().atMost(Harness.WAIT).until(() -> node() != null);
            h.closeClient();
            mirror.desiredPods(TestPods.desired(TestPods.pod("default", "web", "busybox:1.36")));
            h.runtime.set(new NodeReadiness.Runtime(false, "down"));
            assertThat(h.fabric8.getHttpClient().isClosed()).isTrue();
            assertThat(logs.lines(ch.qos.logback.classic.Level.WARN)).as("a close is no failure").isEmpty();
        }
    }
}
