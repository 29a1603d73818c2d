package io.staticpod.mirror.api;

import io.staticpod.manifest.StaticPod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every request the client makes is told to its {@link io.staticpod.mirror.ApiRequestListener}: the agent's metrics. */
class RequestMeteringTest {
    Harness h;

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void everyRequestIsToldWithItsVerbResourceAndAnswerTheWatchsToo() {
        h = Harness.up();
        StaticPod web = TestPods.pod("default", "web", "busybox:1.36");
        ApiServerMirrorClient client = h.manual();
        client.desiredPods(TestPods.desired(web));
        client.podStatus(web.key(), Harness.runningStatus(web, true, 0));
        h.worker.runUntilIdle();
        assertThat(h.requests.all()).as("as the mock server answers").contains("get nodes 404", "create nodes 201",
                "patch leases 404", "create leases 201", "patch nodes/status 202", "create pods 201",
                "patch pods/status 202");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(h.requests.all())
                .as("the watch of this node's pods").contains("list pods 200").anyMatch(r -> r.startsWith("watch pods ")));
    }

    @Test
    void aRequestWithoutAnAnswerIsToldWithCodeZero() {
        h = Harness.down();
        h.manual();
        h.worker.runUntilIdle();
        assertThat(h.requests.all()).contains("get nodes 0");
    }
}
