package io.staticpod.agent.pod;

import io.staticpod.agent.testing.ManualScheduler;
import io.staticpod.agent.testing.MutableClock;
import io.staticpod.agent.testing.TestPods;
import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The lanes' real pool with its threads all busy: which waiting run goes first. */
class PodLanesOrderTest {
    private final ExecutorService pool = PodThreads.lanes(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<String> order = new CopyOnWriteArrayList<>();
    private final PodWorkers workers = new PodWorkers((key, pod) -> {
        if (key.name().equals("busy")) {
            try {
                assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        order.add((pod == null ? "stop " : "sync ") + key.name());
        return null;
    }, pool, new ManualScheduler(), new MutableClock(Instant.parse("2026-01-01T00:00:00Z")));

    @AfterEach
    void shutdown() {
        pool.shutdownNow();
    }

    @Test
    void aWantedPodGoesBeforePodsBeingRemovedWhenEveryLaneIsBusy() {
        StaticPod pod = TestPods.pod("web", "");
        workers.whenTerminated(() -> order.add("terminated"));
        workers.podChanged(new PodKey("default", "busy"), pod); // takes the only lane
        workers.podRemoved(new PodKey("default", "old-1"));
        workers.podRemoved(new PodKey("default", "old-2"));
        workers.podChanged(new PodKey("default", "new-1"), pod);
        workers.podChanged(new PodKey("default", "new-2"), pod);
        release.countDown();

        await().atMost(30, TimeUnit.SECONDS).until(() -> order.size() == 5);
        assertThat(order).containsExactly("sync busy", "sync new-1", "sync new-2", "stop old-1", "stop old-2");
    }
}
