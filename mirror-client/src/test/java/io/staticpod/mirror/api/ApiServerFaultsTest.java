package io.staticpod.mirror.api;

import ch.qos.logback.classic.Level;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.staticpod.manifest.StaticPod;
import io.staticpod.mirror.PodEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.staticpod.mirror.api.TestPods.NODE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The mirror client against an API server that fails or answers with errors: no hot loops, Retry-After honoured, no
 * head-of-line blocking, failures logged once. Passes are run by the test on a fake ticker ({@link Harness#manual()}),
 * so each retry's time is exact.
 */
class ApiServerFaultsTest {
    static final Duration TICK = Duration.ofMillis(10);
    Harness h;
    LogCapture logs;
    final List<String> requests = new ArrayList<>();

    @BeforeEach
    void setUp() {
        h = Harness.up();
        logs = new LogCapture();
    }

    @AfterEach
    void tearDown() {
        logs.close();
        h.close();
    }

    private long count(String request) throws InterruptedException {
        requests.addAll(h.api.takeRequests());
        return requests.stream().filter(r -> r.equals(request)).count();
    }

    static Status status(int code, String reason, Integer retryAfter) {
        StatusBuilder b = new StatusBuilder().withStatus("Failure").withCode(code).withReason(reason)
                .withMessage("injected " + code);
        if (retryAfter != null) {
            b.withNewDetails().withRetryAfterSeconds(retryAfter).endDetails();
        }
        return b.build();
    }

    @Test
    void a429IsWaitedOutForItsRetryAfterEvenWhileNewInputsKeepComing() throws Exception {
        h.api.server().expect().get().withPath("/api/v1/nodes/" + NODE)
                .andReturn(429, status(429, "TooManyRequests", 2)).once();
        StaticPod web = TestPods.pod("default", "web", "busybox:1.36");
        ApiServerMirrorClient client = h.manual();
        client.desiredPods(TestPods.desired(web));
        h.worker.runUntilIdle();
        assertThat(h.worker.lastDelay()).as("the next pass waits for the Retry-After").isEqualTo(Duration.ofSeconds(2));
        for (int i = 0; i < 19; i++) { // inputs that wake the worker, for 1.9 s
            client.podStatus(web.key(), Harness.runningStatus(web, true, i));
            h.worker.runFor(Duration.ofMillis(100), TICK);
        }
        assertThat(count("GET /api/v1/nodes/" + NODE)).as("node lookups within the Retry-After").isEqualTo(1);
        assertThat(h.mirrorOf(web)).isNull();

        h.worker.runFor(Duration.ofMillis(100), TICK);
        assertThat(count("GET /api/v1/nodes/" + NODE)).isEqualTo(2);
        assertThat(KubectlPrinter.row(h.mirrorOf(web))).isEqualTo("1/1 Running 18");
        assertThat(logs.lines(Level.WARN, "API server unavailable or failing")).hasSize(1);
        assertThat(logs.lines(Level.INFO, "API server answering again")).hasSize(1);
    }

    @Test
    void aCreateMeeting409WithNothingToAdoptIsRetriedWithABackoffNotInALoop() throws Exception {
        h.api.server().expect().post().withPath("/api/v1/namespaces/default/pods")
                .andReturn(409, status(409, "Conflict", null)).always();
        StaticPod web = TestPods.pod("default", "web", "busybox:1.36");
        h.manual().desiredPods(TestPods.desired(web));
        h.worker.runFor(Duration.ofMillis(1500), TICK);
        // FAST: 50 ms doubling to 400 ms: attempts at 0, 50, 150, 350, 750 and 1150 ms
        assertThat(count("POST /api/v1/namespaces/default/pods")).isEqualTo(6);
    }

    @Test
    void aRefusedLeaseRenewalWaitsForTheNextRenewalInsteadOfLooping() throws Exception {
        String lease = "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/" + NODE;
        h.api.server().expect().patch().withPath(lease).andReturn(403, status(403, "Forbidden", null)).always();
        h.manual().desiredPods(TestPods.desired());
        h.worker.runFor(Duration.ofMillis(1000), TICK);
        // FAST.leaseRenew is 200 ms: at 0, 200, 400, 600, 800 and 1000 ms
        assertThat(count("PATCH " + lease)).isEqualTo(6);
        assertThat(logs.lines(Level.ERROR, "Lease renewal refused by the API server", "code=403")).hasSize(1);
        assertThat(count("PATCH /api/v1/nodes/" + NODE + "/status")).as("node status goes on").isPositive();
    }

    @Test
    void aMirrorTheApiServerFailsToCreateBacksOffAloneAndHoldsBackNeitherTheOthersNorTheirStatus() throws Exception {
        h.api.server().expect().post().withPath("/api/v1/namespaces/aaa/pods")
                .andReturn(500, status(500, "InternalError", null)).always();
        StaticPod first = TestPods.pod("aaa", "first", "busybox:1.36"); // sorted before web: tried first
        StaticPod web = TestPods.pod("default", "web", "busybox:1.36");
        ApiServerMirrorClient client = h.manual();
        client.desiredPods(TestPods.desired(first, web));
        client.podStatus(web.key(), Harness.runningStatus(web, true, 3));
        h.worker.runUntilIdle();
        assertThat(KubectlPrinter.row(h.mirrorOf(web))).isEqualTo("1/1 Running 3");

        h.worker.runFor(Duration.ofMillis(1500), TICK);
        // its own back-off, as a 409's: at 0, 50, 150, 350, 750 and 1150 ms
        assertThat(count("POST /api/v1/namespaces/aaa/pods")).isEqualTo(6);
        assertThat(count("POST /api/v1/namespaces/default/pods")).isEqualTo(1);
        assertThat(logs.lines(Level.WARN, "Mirror pod request failed", "pod=aaa/first-" + NODE)).hasSize(1);
    }

    @Test
    void aMirrorRefusedByAdmissionIsTriedAgainOnlyAtTheResyncAndTheOthersGoOn() throws Exception {
        h.api.server().expect().post().withPath("/api/v1/namespaces/nope/pods")
                .andReturn(404, status(404, "NotFound", null)).always();
        StaticPod lost = TestPods.pod("nope", "lost", "busybox:1.36");
        StaticPod web = TestPods.pod("default", "web", "busybox:1.36");
        ApiServerMirrorClient client = h.manual();
        client.desiredPods(TestPods.desired(lost, web));
        for (int i = 0; i < 6; i++) {
            client.podStatus(web.key(), Harness.runningStatus(web, true, i));
            h.worker.runFor(Duration.ofMillis(500), Duration.ofMillis(100));
            assertThat(KubectlPrinter.row(h.mirrorOf(web))).isEqualTo("1/1 Running " + i);
        }
        // FAST.resync is 1 s: at 0, 1, 2 and 3 s
        assertThat(count("POST /api/v1/namespaces/nope/pods")).isEqualTo(4);
        assertThat(logs.lines(Level.ERROR, "Failed creating a mirror pod", "pod=nope/lost-" + NODE)).hasSize(1);
    }

    @Test
    void everyMethodOnlyRecordsWhileTheApiServerIsDownAndAllConvergesWhenItComesBack() {
        h.close();
        h = Harness.down();
        StaticPod web = TestPods.pod("default", "web", "busybox:1.36");
        ApiServerMirrorClient client = h.manual();
        client.desiredPods(TestPods.desired(web));
        client.podStatus(web.key(), Harness.runningStatus(web, true, 1));
        client.podEvent(web.key(), new PodEvent(PodEvent.Type.Normal, "Started", "Started container app", "app"));
        assertThat(h.requests.all()).as("requests made by the callers' threads").isEmpty();

        h.worker.runUntilIdle();
        assertThat(h.requests.all()).as("the pass stops at the first request without an answer (the watch has its "
                + "own)").filteredOn(r -> !r.endsWith(" pods 0")).containsExactly("get nodes 0");

        h.startApiServer();
        h.worker.runFor(Duration.ofSeconds(2), Duration.ofMillis(50));
        assertThat(KubectlPrinter.row(h.mirrorOf(web))).isEqualTo("1/1 Running 1");
        assertThat(h.node()).isNotNull();
        assertThat(h.lease()).isNotNull();
        assertThat(h.eventsOf(h.mirrorOf(web))).singleElement()
                .satisfies(e -> assertThat(e.getReason()).isEqualTo("Started"));
    }

    @Test
    void aStatusWriteTheApiServerFailsIsRetriedAloneAndLoggedAtWarnOncePerPodAndCause() throws Exception {
        String path = "/api/v1/namespaces/default/pods/web-" + NODE + "/status";
        h.api.server().expect().patch().withPath(path).andReturn(500, status(500, "InternalError", null)).times(3);
        StaticPod web = TestPods.pod("default", "web", "busybox:1.36");
        StaticPod db = TestPods.pod("default", "db", "busybox:1.36");
        ApiServerMirrorClient client = h.manual();
        client.desiredPods(TestPods.desired(web, db));
        client.podStatus(web.key(), Harness.runningStatus(web, true, 0));
        client.podStatus(db.key(), Harness.runningStatus(db, true, 0));
        h.worker.runUntilIdle();
        assertThat(KubectlPrinter.row(h.mirrorOf(db))).as("the other pod's status").isEqualTo("1/1 Running 0");

        h.worker.runFor(Duration.ofMillis(1000), TICK);
        assertThat(KubectlPrinter.row(h.mirrorOf(web))).isEqualTo("1/1 Running 0");
        // the pod's own back-off: at 0, 50 and 150 ms, written at 350 ms
        assertThat(count("PATCH " + path)).isEqualTo(4);
        assertThat(h.requests.count("patch pods/status 500")).as("failures counted").isEqualTo(3);
        assertThat(logs.lines(Level.WARN, "Pod status not written", "pod=default/web-" + NODE, "code=500"))
                .hasSize(1);
        assertThat(logs.lines(Level.INFO, "Pod status written again", "pod=default/web-" + NODE, "failures=3"))
                .hasSize(1);
    }

    @Test
    void aStatusWriteTheApiServerRefusesIsLoggedAtWarnAndAskedAgainWithBackOffUntilWritten() throws Exception {
        String path = "/api/v1/namespaces/default/pods/web-" + NODE + "/status";
        h.api.server().expect().patch().withPath(path).andReturn(409, status(409, "Conflict", null)).times(2);
        StaticPod web = TestPods.pod("default", "web", "busybox:1.36");
        ApiServerMirrorClient client = h.manual();
        client.desiredPods(TestPods.desired(web));
        client.podStatus(web.key(), Harness.runningStatus(web, true, 1));

        // a refused status that nothing changes afterwards is not left unwritten: asked again until written (the
        // fake clock stepped until then: the mirror the writer patches also comes by the watch, a thread of its own)
        await().atMost(Harness.WAIT).untilAsserted(() -> {
            h.worker.runFor(Duration.ofSeconds(1), Duration.ofMillis(100));
            assertThat(count("PATCH " + path)).isEqualTo(3);
        });
        assertThat(KubectlPrinter.row(h.mirrorOf(web))).isEqualTo("1/1 Running 1");
        h.worker.runFor(Duration.ofSeconds(3), Duration.ofMillis(100));
        assertThat(count("PATCH " + path)).as("once written, the same status is not asked again").isEqualTo(3);
        assertThat(logs.lines(Level.WARN, "Pod status not written", "pod=default/web-" + NODE, "code=409"))
                .as("once per pod and cause").hasSize(1);
        assertThat(logs.lines(Level.INFO, "Pod status written again", "failures=2")).hasSize(1);
    }

    @Test
    void everyTimingDecisionFollowsTheTickerNotTheWallClock() throws Exception {
        String lease = "PATCH /apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/" + NODE;
        h.manual().desiredPods(TestPods.desired());
        h.worker.runUntilIdle();
        long renewals = count(lease);

        h.wall.advance(Duration.ofHours(1)); // the system clock set forward: nothing is due because of it
        h.worker.runFor(Duration.ofMillis(190), TICK);
        assertThat(count(lease)).isEqualTo(renewals);

        h.wall.advance(Duration.ofHours(-2)); // and back: the renewal comes when the ticker says
        h.worker.runFor(Duration.ofMillis(10), TICK);
        assertThat(count(lease)).isEqualTo(renewals + 1);
        assertThat(h.lease().getSpec().getRenewTime().toInstant()).as("the time written is the wall clock's")
                .isEqualTo(h.wall.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS));
    }

    @Test
    void aClientWithNothingToDoWaitsForItsTimersInsteadOfPassingAgainAtOnce() {
        ApiServerMirrorClient client = h.manual(); // registered, but no desired pods yet
        h.worker.runFor(Duration.ofMillis(500), TICK); // a pass asking for another at once fails here
        assertThat(h.worker.lastDelay()).isPositive();
        StaticPod web = TestPods.pod("default", "web", "busybox:1.36");
        client.podStatus(web.key(), Harness.runningStatus(web, true, 0)); // a status for a pod with no mirror
        client.podEvent(web.key(), new PodEvent(PodEvent.Type.Normal, "Started", "Started container app", "app"));
        h.worker.runFor(Duration.ofMillis(500), TICK);
        assertThat(h.worker.lastDelay()).isPositive();
    }

    @Test
    void aPodRemovedWhileItsMirrorRequestsFailTakesItsBackOffWithIt() throws Exception {
        h.api.server().expect().post().withPath("/api/v1/namespaces/aaa/pods")
                .andReturn(500, status(500, "InternalError", null)).always();
        StaticPod first = TestPods.pod("aaa", "first", "busybox:1.36");
        ApiServerMirrorClient client = h.manual();
        client.desiredPods(TestPods.desired(first));
        h.worker.runFor(Duration.ofMillis(100), TICK);
        client.desiredPods(TestPods.desired());
        h.worker.runFor(Duration.ofSeconds(2), TICK);
        Pod none = h.mirrorOf(first);
        assertThat(none).isNull();
        assertThat(h.worker.lastDelay()).as("nothing left to retry: the next pass at the resync at the latest")
                .isLessThanOrEqualTo(Harness.FAST.resync());
        assertThat(count("POST /api/v1/namespaces/aaa/pods")).isEqualTo(2);
    }
}
