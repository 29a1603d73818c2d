package io.staticpod.mirror.api;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.staticpod.manifest.StaticPod;
import io.staticpod.mirror.PodStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.staticpod.mirror.api.TestPods.NODE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The mirror client against an API server that answers with errors: no hot loops, Retry-After, no head-of-line. */
class ApiServerFaultsTest {
    MockApi api;
    KubernetesClient kubectl;
    MutableClock clock = new MutableClock(Instant.parse("2024-05-01T10:00:00Z"));
    ApiServerMirrorClient mirror;
    final List<String> requests = new ArrayList<>();

    @BeforeEach
    void setUp() {
        api = MockApi.started();
        kubectl = api.kubectl();
    }

    @AfterEach
    void tearDown() {
        if (mirror != null) {
            mirror.close();
        }
        api.close();
    }

    private ApiServerMirrorClient startClient() {
        mirror = new ApiServerMirrorClient(api.newClient(), ApiServerMirrorClientTest.FACTS, clock,
                ApiServerMirrorClientTest.FAST, false);
        mirror.start();
        return mirror;
    }

    private long count(String request) throws InterruptedException {
        requests.addAll(api.takeRequests());
        return requests.stream().filter(r -> r.equals(request)).count();
    }

    private static Status status(int code, String reason, Integer retryAfter) {
        StatusBuilder b = new StatusBuilder().withStatus("Failure").withCode(code).withReason(reason)
                .withMessage("injected " + code);
        if (retryAfter != null) {
            b.withNewDetails().withRetryAfterSeconds(retryAfter).endDetails();
        }
        return b.build();
    }

    private void pause(Duration d) {
        await().pollDelay(d).atMost(d.plusSeconds(1)).until(() -> true);
    }

    private PodStatus runningStatus(StaticPod sp, int restarts) {
        return new PodStatus(sp.uid(), PodStatus.Phase.Running, clock.instant(), null, List.of(),
                List.of(ApiServerMirrorClientTest.running("app", true, restarts)), null);
    }

    @Test
    void a429IsWaitedOutForItsRetryAfterEvenWhileNewInputsKeepComing() throws Exception {
        api.server().expect().get().withPath("/api/v1/nodes/" + NODE)
                .andReturn(429, status(429, "TooManyRequests", 2)).once();
        StaticPod web = TestPods.pod("default", "web", "busybox:1.36");
        long t0 = System.nanoTime();
        startClient().desiredPods(TestPods.desired(web));
        for (int i = 0; i < 20; i++) { // inputs that wake the worker
            mirror.podStatus(web.key(), runningStatus(web, i));
            pause(Duration.ofMillis(50));
        }
        assertThat(count("GET /api/v1/nodes/" + NODE)).as("node lookups within the Retry-After").isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> kubectl.pods().inNamespace("default")
                .withName(web.key().name()).get() != null);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
    }

    @Test
    void aCreateMeeting409WithNothingToAdoptIsRetriedWithABackoffNotInALoop() throws Exception {
        api.server().expect().post().withPath("/api/v1/namespaces/default/pods")
                .andReturn(409, status(409, "Conflict", null)).always();
        StaticPod web = TestPods.pod("default", "web", "busybox:1.36");
        startClient().desiredPods(TestPods.desired(web));
        await().atMost(Duration.ofSeconds(5)).until(() -> count("POST /api/v1/namespaces/default/pods") > 0);
        pause(Duration.ofMillis(1500));
        // FAST: 50 ms doubling to 400 ms, so about six attempts in 1.5 s
        assertThat(count("POST /api/v1/namespaces/default/pods")).isBetween(2L, 9L);
    }

    @Test
    void aRefusedLeaseRenewalWaitsForTheNextRenewalInsteadOfLooping() throws Exception {
        String lease = "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/" + NODE;
        api.server().expect().patch().withPath(lease).andReturn(403, status(403, "Forbidden", null)).always();
        startClient().desiredPods(TestPods.desired());
        await().atMost(Duration.ofSeconds(5)).until(() -> count("PATCH " + lease) > 0);
        pause(Duration.ofMillis(1000));
        // FAST.leaseRenew is 200 ms: about five renewals a second
        assertThat(count("PATCH " + lease)).isBetween(2L, 9L);
    }

    @Test
    void aMirrorTheApiServerFailsToCreateDoesNotHoldBackTheOthersOrTheirStatus() throws Exception {
        api.server().expect().post().withPath("/api/v1/namespaces/aaa/pods")
                .andReturn(500, status(500, "InternalError", null)).always();
        StaticPod first = TestPods.pod("aaa", "first", "busybox:1.36"); // sorted before web: tried first
        StaticPod web = TestPods.pod("default", "web", "busybox:1.36");
        startClient().desiredPods(TestPods.desired(first, web));
        mirror.podStatus(web.key(), runningStatus(web, 3));
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            Pod p = kubectl.pods().inNamespace("default").withName(web.key().name()).get();
            return p != null && p.getStatus() != null && "1/1 Running 3".equals(KubectlPrinter.row(p));
        });
        assertThat(count("POST /api/v1/namespaces/aaa/pods")).isPositive();
    }
}
