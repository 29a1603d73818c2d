package io.staticpod.mirror.api;

import io.fabric8.kubernetes.api.model.Event;
import io.staticpod.manifest.StaticPod;
import io.staticpod.mirror.PodEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The events a pod's mirror gets are the same whether they waited for an API server that was down or, with it up, for
 * the send rate: the latest 500, the oldest dropped first, repeats counted up.
 */
class EventPolicyTest {
    final StaticPod web = TestPods.pod("default", "web", "busybox:1.36");
    Harness h;

    @AfterEach
    void tearDown() {
        h.close();
    }

    /** 600 distinct events, then one three times; the API server then up; what the mirror shows, by reason. */
    private List<Event> offerThenSend(ApiServerMirrorClient client) {
        for (int i = 0; i < 600; i++) {
            client.podEvent(web.key(), new PodEvent(PodEvent.Type.Normal, "Pulled", "event " + i, "app"));
        }
        for (int i = 0; i < 3; i++) {
            client.podEvent(web.key(), new PodEvent(PodEvent.Type.Normal, "Started", "Started container app", "app"));
        }
        h.startApiServerIfDown();
        h.worker.runFor(Duration.ofSeconds(110), Duration.ofSeconds(1)); // 5 a second: 100 s for 500
        return h.eventsOf(h.mirrorOf(web));
    }

    private static void assertLatestKept(List<Event> events) {
        assertThat(events).filteredOn(e -> e.getReason().equals("Started")).singleElement()
                .satisfies(e -> assertThat(e.getCount()).isEqualTo(3));
        // 500 places: the Started event and the latest 499 of the others
        assertThat(events.stream().filter(e -> e.getReason().equals("Pulled"))
                .sorted(Comparator.comparing(e -> Integer.parseInt(e.getMessage().substring(6))))
                .map(Event::getMessage).toList())
                .isEqualTo(IntStream.range(101, 600).mapToObj(i -> "event " + i).toList());
    }

    @Test
    void anOutageKeepsTheLatestEventsWithRepeatsCountedUp() {
        h = Harness.down();
        ApiServerMirrorClient client = h.manual();
        client.desiredPods(TestPods.desired(web));
        h.worker.runUntilIdle();
        assertLatestKept(offerThenSend(client));
    }

    @Test
    void aBurstWhileTheApiServerIsUpKeepsTheSameLatestEventsWithRepeatsCountedUp() {
        h = Harness.up();
        ApiServerMirrorClient client = h.manual();
        client.desiredPods(TestPods.desired(web));
        h.worker.runUntilIdle();
        assertThat(h.mirrorOf(web)).isNotNull();
        assertLatestKept(offerThenSend(client));
    }
}
