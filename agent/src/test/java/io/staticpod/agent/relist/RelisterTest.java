package io.staticpod.agent.relist;

import io.staticpod.agent.testing.FakeHostMounts;
import io.staticpod.agent.launch.EnvResolver;
import io.staticpod.agent.launch.LaunchConfigs;
import io.staticpod.agent.launch.Volumes;
import io.staticpod.agent.testing.MutableClock;
import io.staticpod.agent.testing.TestPods;
import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;
import io.staticpod.runtime.spi.ContainerState;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.testing.FakeContainerRuntime;
import io.staticpod.runtime.spi.testing.FakeContainerRuntime.Call;
import io.staticpod.runtime.spi.testing.Hold;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The relister against the in-memory runtime: what it asks the runtime, what it caches, whom it wakes. */
class RelisterTest {
    @TempDir
    Path root;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final FakeContainerRuntime runtime = new FakeContainerRuntime(clock);
    private final List<PodKey> changed = new CopyOnWriteArrayList<>();
    private final List<Set<PodKey>> relisted = new CopyOnWriteArrayList<>();
    private final AtomicInteger resyncs = new AtomicInteger();
    private LaunchConfigs launch;
    private PodCache cache;
    private Relister relister;

    private Relister relister() {
        runtime.addImage(TestPods.BUSYBOX);
        launch = new LaunchConfigs(TestPods.NODE, new Volumes(root, new FakeHostMounts()),
                new EnvResolver(TestPods.NODE, "192.0.2.1", 1, 1L << 30), null);
        cache = new PodCache(runtime, launch::podSelector, clock);
        relister = new Relister(runtime, launch.ownerSelector(), cache, clock);
        relister.listen(new Relister.Listener() {
            @Override
            public void changed(PodKey key) {
                changed.add(key);
            }

            @Override
            public void relisted(Set<PodKey> present, Set<String> uids) {
                relisted.add(present);
            }

            @Override
            public void resyncAll() {
                resyncs.incrementAndGet();
            }
        });
        return relister;
    }

    @AfterEach
    void close() {
        if (relister != null) {
            relister.close();
        }
    }

    /** Runs the pod's sandbox and its container, as a sync would; returns the container's id. */
    private String run(StaticPod pod) throws Exception {
        SandboxConfig sandbox = launch.sandbox(pod, 0);
        String sandboxId = runtime.sandboxes().run(sandbox);
        String id = runtime.containers().create(sandboxId, launch.container(pod, pod.pod().spec().containers().get(0),
                0, launch.prepare(pod, null)), sandbox);
        runtime.containers().start(id);
        return id;
    }

    /** Runs the pod, starts the relister (events, no periodic relist in the test's time) and waits for its first list. */
    private String runAndFollowEvents(StaticPod pod) throws Exception {
        Relister relister = relister();
        String id = run(pod);
        relister.start(Duration.ofHours(1));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> relister.health().lastSuccess() != null && !relisted.isEmpty());
        changed.clear();
        return id;
    }

    @Test
    void theSteadyStateIsOneListCallAndNothingElse() throws Exception {
        Relister relister = relister();
        StaticPod pod = TestPods.pod("web", "");
        run(pod);
        relister.relist();
        assertThat(changed).containsExactly(pod.key());
        int statuses = runtime.calls(Call.STATUS) + runtime.calls(Call.SANDBOX_STATUS);
        int snapshots = runtime.calls(Call.SNAPSHOT);

        for (int i = 0; i < 5; i++) {
            relister.relist();
        }

        assertThat(runtime.calls(Call.SNAPSHOT)).isEqualTo(snapshots + 5);
        assertThat(runtime.calls(Call.STATUS) + runtime.calls(Call.SANDBOX_STATUS)).isEqualTo(statuses);
        assertThat(runtime.calls(Call.LIST) + runtime.calls(Call.LIST_SANDBOXES)).isZero();
        assertThat(changed).hasSize(1);
        assertThat(relisted).hasSize(6).allSatisfy(p -> assertThat(p).containsExactly(pod.key()));
    }

    @Test
    void anExitIsSeenAtTheNextRelistWhichCachesTheExitedStatusAndWakesThePod() throws Exception {
        Relister relister = relister();
        StaticPod pod = TestPods.pod("web", "");
        String id = run(pod);
        relister.relist();
        changed.clear();

        runtime.exit(id, 3);
        relister.relist();

        assertThat(changed).containsExactly(pod.key());
        int snapshots = runtime.calls(Call.SNAPSHOT);
        ContainerView app = cache.current(pod.key()).containers().get(0);
        assertThat(app.state()).isEqualTo(ContainerState.EXITED);
        assertThat(app.exitCode()).isEqualTo(3);
        assertThat(runtime.calls(Call.SNAPSHOT)).isEqualTo(snapshots); // from the cache
        int statuses = runtime.calls(Call.STATUS);
        relister.relist();
        relister.relist();
        assertThat(runtime.calls(Call.STATUS)).isEqualTo(statuses); // an exited status never changes
    }

    @Test
    void aChangeInAPodFetchesOnlyTheStatusesOfWhatChangedNeverAnExitedOneAgain() throws Exception {
        Relister relister = relister();
        StaticPod pod = TestPods.pod("web", "");
        String first = run(pod);
        relister.relist();
        runtime.exit(first, 1);
        relister.relist();
        int statuses = runtime.calls(Call.STATUS);

        SandboxConfig sandbox = launch.sandbox(pod, 0);
        String sandboxId = runtime.sandboxes().list(launch.ownerSelector()).get(0).id();
        String second = runtime.containers().create(sandboxId, launch.container(pod,
                pod.pod().spec().containers().get(0), 1, launch.prepare(pod, null)), sandbox);
        runtime.containers().start(second);
        relister.relist();

        assertThat(runtime.calls(Call.STATUS)).isEqualTo(statuses + 1); // the new one only
        assertThat(cache.current(pod.key()).containers()).extracting(ContainerView::id)
                .containsExactlyInAnyOrder(first, second);
    }

    @Test
    void anExitEventWakesThePodAtOnceAndItsLaneThenReadsTheRuntime() throws Exception {
        StaticPod pod = TestPods.pod("web", "");
        String id = runAndFollowEvents(pod);
        int snapshots = runtime.calls(Call.SNAPSHOT);

        runtime.exit(id, 1); // the fake delivers the event on this thread

        assertThat(changed).containsExactly(pod.key());
        assertThat(cache.current(pod.key()).containers().get(0).exitCode()).isEqualTo(1);
        assertThat(runtime.calls(Call.SNAPSHOT)).isEqualTo(snapshots + 1);
    }

    @Test
    void anExitEventAheadOfTheListIsSeenThroughTheContainersStatus() throws Exception {
        StaticPod pod = TestPods.pod("web", "");
        String id = runAndFollowEvents(pod);

        runtime.exitAheadOfViews(id, 137, FakeContainerRuntime.Lag.LIST); // Docker: die before the list shows it

        assertThat(changed).containsExactly(pod.key());
        ContainerView app = cache.current(pod.key()).containers().get(0);
        assertThat(app.state()).isEqualTo(ContainerState.EXITED);
        assertThat(app.exitCode()).isEqualTo(137);
        assertThat(cache.awaitingExit(id)).isFalse();
    }

    @Test
    void whileTheRuntimeShowsAReportedExitNowhereThePodIsReadAndWokenAgainUntilItDoes() throws Exception {
        StaticPod pod = TestPods.pod("web", "");
        String id = runAndFollowEvents(pod);

        runtime.exitAheadOfViews(id, 2, FakeContainerRuntime.Lag.LIST_AND_STATUS); // containerd's CRI plugin
        assertThat(cache.current(pod.key()).containers().get(0).running()).isTrue();
        assertThat(cache.awaitingExit(id)).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> changed.size() >= 2); // woken again, not at a relist
        runtime.catchUp();
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            ContainerView app = cache.current(pod.key()).containers().get(0);
            return app.state() == ContainerState.EXITED && app.exitCode() == 2;
        });

        assertThat(cache.awaitingExit(id)).isFalse();
        assertThat(relisted).hasSize(1);
    }

    @Test
    void aCutInTheEventStreamTriggersARelist() throws Exception {
        Relister relister = relister();
        relister.start(Duration.ofHours(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> relisted.size() == 1);

        runtime.cutEvents();

        await().atMost(Duration.ofSeconds(5)).until(() -> relisted.size() == 2);
    }

    @Test
    void aPodWhoseContainersAreAllGoneIsWokenWithAnEmptyView() throws Exception {
        Relister relister = relister();
        StaticPod pod = TestPods.pod("web", "");
        run(pod);
        relister.relist();
        changed.clear();

        runtime.sandboxes().remove(runtime.sandboxes().list(launch.ownerSelector()).get(0).id());
        relister.relist();

        assertThat(changed).containsExactly(pod.key());
        assertThat(cache.current(pod.key()).isEmpty()).isTrue();
    }

    @Test
    void theHealthIsReadyBeforeAnyListThenDownFromTheFirstFailedListAndUpFromTheFirstThatSucceeds() {
        Relister relister = relister();
        Instant started = clock.instant();
        assertThat(relister.health()).isEqualTo(new RuntimeHealth(true, "", started, null));
        clock.advance(Duration.ofSeconds(1));
        relister.relist();
        Instant answered = clock.instant();
        assertThat(relister.health()).as("up: the first list answered")
                .isEqualTo(new RuntimeHealth(true, "", started, answered));

        runtime.down("connection refused");
        clock.advance(Duration.ofSeconds(1));
        Instant firstFailure = clock.instant();
        relister.relist();
        String down = "fake does not answer: fake: SNAPSHOT: engine unavailable: connection refused";
        assertThat(relister.health()).as("down at the first failed list")
                .isEqualTo(new RuntimeHealth(false, down, firstFailure, answered));
        clock.advance(Duration.ofSeconds(1));
        relister.relist();
        assertThat(relister.health()).as("still down since the first failure")
                .isEqualTo(new RuntimeHealth(false, down, firstFailure, answered));
        assertThat(resyncs).hasValue(0);

        runtime.up();
        clock.advance(Duration.ofSeconds(1));
        Instant back = clock.instant();
        relister.relist();

        assertThat(relister.health()).as("up at the first list that succeeds")
                .isEqualTo(new RuntimeHealth(true, "", back, back));
        assertThat(resyncs).as("every pod resynced once").hasValue(1);
        clock.advance(Duration.ofSeconds(1));
        relister.relist();
        assertThat(relister.health()).isEqualTo(new RuntimeHealth(true, "", back, clock.instant()));
        assertThat(resyncs).hasValue(1);
    }

    @Test
    void aChangeIsDetectedByTheFingerprintOfIdsAndStatesAndWakesOnlyThatPod() throws Exception {
        Relister relister = relister();
        StaticPod web = TestPods.pod("web", "");
        StaticPod db = TestPods.pod("db", "");
        run(web);
        String dbId = run(db);
        relister.relist();
        assertThat(changed).containsExactlyInAnyOrder(web.key(), db.key());
        changed.clear();

        relister.relist();
        assertThat(changed).as("nothing changed").isEmpty();

        runtime.exit(dbId, 0);
        relister.relist();
        assertThat(changed).containsExactly(db.key());
        assertThat(relisted.get(relisted.size() - 1)).containsExactlyInAnyOrder(web.key(), db.key());
    }

    @Test
    void aListThatHangsHoldsOnlyTheRelistThread() throws Exception {
        Relister relister = relister();
        StaticPod pod = TestPods.pod("web", "");
        run(pod);
        relister.relist();
        Hold hold = runtime.hold(Call.SNAPSHOT);
        try {
            relister.start(Duration.ofSeconds(1));
            await().atMost(Duration.ofSeconds(5)).until(() -> hold.waiting() == 1);

            // a lane reads its pod from the cache meanwhile, without waiting for the engine
            assertThat(cache.current(pod.key()).containers()).hasSize(1);
        } finally {
            hold.release();
        }
    }
}
