package io.staticpod.agent.pod;

import io.staticpod.agent.testing.ManualScheduler;
import io.staticpod.agent.testing.MutableClock;
import io.staticpod.agent.testing.TestPods;
import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The pod lanes, run by hand: which version each sync is given, and when a lane is synced again. */
class PodWorkersTest {
    private static final PodKey KEY = new PodKey("default", "web-n1");

    private final StaticPod v1 = TestPods.pod("web", "");
    private final StaticPod v2 = TestPods.pod("web", "  hostNetwork: true");
    private final StaticPod v3 = TestPods.pod("web", "  restartPolicy: Never");

    private final ManualScheduler scheduler = new ManualScheduler();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final List<StaticPod> synced = new ArrayList<>();   // null: a sync that stops everything of the key
    private PodWorkers.Sync behaviour = (key, pod) -> null;
    private final PodWorkers workers = new PodWorkers((key, pod) -> {
        synced.add(pod);
        return behaviour.sync(key, pod);
    }, scheduler, scheduler, clock);
    private int terminated;

    @BeforeEach
    void bind() {
        workers.whenTerminated(() -> terminated++);
    }

    @Test
    void updatesArrivingDuringASyncAreCoalescedIntoOneMoreSyncOfTheLatestVersion() {
        behaviour = (key, pod) -> {
            if (pod == v1) {
                workers.podChanged(KEY, v2);
                workers.podChanged(KEY, v3);
            }
            return null;
        };
        workers.podChanged(KEY, v1);
        scheduler.runQueued();

        assertThat(synced).containsExactly(v1, v3);
    }

    @Test
    void updatesGivenBeforeTheLaneRunsMakeOneSyncOfTheLatest() {
        workers.podChanged(KEY, v1);
        workers.podChanged(KEY, v2);
        scheduler.runQueued();

        assertThat(synced).containsExactly(v2);
    }

    @Test
    void aRemovalArrivingDuringASyncIsCarriedOutAfterItAndNotOverwrittenByAWake() {
        behaviour = (key, pod) -> {
            if (pod == v1) {
                workers.podRemoved(KEY);
                assertThat(workers.wake(KEY)).isTrue();
                workers.wakeAll();
            } else {
                assertThat(workers.terminating()).containsExactly(Map.entry(KEY, v1));
            }
            return null;
        };
        workers.podChanged(KEY, v1);
        scheduler.runQueued();

        assertThat(synced).containsExactly(v1, null);
        assertThat(workers.keys()).isEmpty();
        assertThat(workers.terminating()).isEmpty();
        assertThat(terminated).as("the pod layer told once that the pod is gone").isEqualTo(1);
    }

    @Test
    void aPodRemovedThenAddedAgainIsSyncedWithTheNewVersionAndItsLaneStays() {
        behaviour = (key, pod) -> {
            if (pod == v1) {
                workers.podRemoved(KEY);
                workers.podChanged(KEY, v2);
            }
            return null;
        };
        workers.podChanged(KEY, v1);
        scheduler.runQueued();

        assertThat(synced).containsExactly(v1, v2);
        assertThat(workers.keys()).containsExactly(KEY);
        assertThat(terminated).isZero();
    }

    @Test
    void aFailedSyncIsRetriedWithABackOffDoublingFromOneSecondToThirtyAndResetBySuccess() {
        behaviour = (key, pod) -> {
            throw new IllegalStateException("runtime refused");
        };
        workers.podChanged(KEY, v1);
        scheduler.runQueued();

        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            assertThat(scheduler.pending()).hasSize(1);
            delays.add(scheduler.pending().get(0).delay.toSeconds());
            scheduler.fire();
        }
        assertThat(delays).containsExactly(1L, 2L, 4L, 8L, 16L, 30L, 30L);
        assertThat(synced).hasSize(8);

        behaviour = (key, pod) -> null;
        scheduler.fire();
        assertThat(scheduler.pending()).as("nothing to retry after a sync that worked").isEmpty();

        behaviour = (key, pod) -> {
            throw new IllegalStateException("runtime refused again");
        };
        workers.wake(KEY);
        scheduler.runQueued();
        assertThat(scheduler.pending()).singleElement().extracting(t -> t.delay).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void theTimeASyncAsksToLookAgainSchedulesTheNextSync() {
        behaviour = (key, pod) -> synced.size() == 1 ? clock.instant().plusSeconds(10) : null;
        workers.podChanged(KEY, v1);
        scheduler.runQueued();

        assertThat(scheduler.pending()).singleElement().extracting(t -> t.delay).isEqualTo(Duration.ofSeconds(10));
        scheduler.fire();
        assertThat(synced).containsExactly(v1, v1);
        assertThat(scheduler.pending()).isEmpty();
    }

    @Test
    void anUpdateCancelsAWaitingRetryAndSyncsAtOnce() {
        behaviour = (key, pod) -> {
            if (pod == v1) {
                throw new IllegalStateException("runtime refused");
            }
            return null;
        };
        workers.podChanged(KEY, v1);
        scheduler.runQueued();
        assertThat(scheduler.pending()).hasSize(1);

        workers.podChanged(KEY, v2);
        assertThat(scheduler.pending()).as("the retry timer cancelled").isEmpty();
        scheduler.runQueued();
        assertThat(synced).containsExactly(v1, v2);
    }

    @Test
    void aWakeForAKeyWithoutALaneStartsNothing() {
        assertThat(workers.wake(KEY)).isFalse();
        assertThat(scheduler.runQueued()).isZero();
        assertThat(synced).isEmpty();
    }
}
