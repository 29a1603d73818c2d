package io.staticpod.agent.sync;

import io.staticpod.agent.relist.ContainerView;
import io.staticpod.agent.relist.PodView;
import io.staticpod.agent.testing.MutableClock;
import io.staticpod.agent.testing.TestPods;
import io.staticpod.manifest.StaticPod;
import io.staticpod.manifest.WellKnown;
import io.staticpod.runtime.spi.ContainerState;
import io.staticpod.runtime.spi.ContainerStatus;
import io.staticpod.runtime.spi.Sandbox;
import io.staticpod.runtime.spi.SandboxMetadata;
import io.staticpod.runtime.spi.SandboxState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The crash back-off schedule end to end through the restart history and the planner, on clocks stepped by hand:
 * a container that crashes as soon as it starts, and the time from each crash to its restart.
 */
class CrashBackOffTest {
    private static final StaticPod POD = TestPods.pod("web", "");
    private final MutableClock wall = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final MutableClock monotonic = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final RestartHistory history = new RestartHistory(wall, monotonic);
    private final ContainerRef ref = new ContainerRef(POD.uid(), "app");
    private int attempt;

    /** The current instance exits now; returns the plan of the sync that sees it. */
    private PodActions crash() {
        ContainerStatus exited = status(attempt, ContainerState.EXITED, wall.instant());
        history.exitSeen(ref, exited.id(), exited.finishedAt());
        return plan(exited);
    }

    private PodActions plan(ContainerStatus latest) {
        Sandbox sandbox = new Sandbox("sb0", new SandboxMetadata(POD.key().name(), POD.key().namespace(), POD.uid(), 0),
                SandboxState.READY, Instant.EPOCH, Map.of(), Map.of());
        PodView view = new PodView(POD.key(), List.of(sandbox), List.of(new ContainerView("sb0", latest)));
        PodActions actions = PodPlanner.plan(POD, view, history.snapshot(POD.uid()), Map.of(), history.now());
        actions.starts().forEach(s -> {
            history.restarted(ref, s.backOffEvent()); // what the executor records
            attempt = s.attempt();
        });
        return actions;
    }

    private ContainerStatus status(int n, ContainerState state, Instant finished) {
        return new ContainerStatus("app-" + n, "app", n, "busybox", null, state, Instant.EPOCH, Instant.EPOCH,
                finished, 1, "Error", null, Map.of(WellKnown.POD_UID, POD.uid()), Map.of(), null);
    }

    private void advance(Duration d) {
        wall.advance(d);
        monotonic.advance(d);
    }

    /** Crashes, then steps time a second at a time until the planner restarts it; returns how long that took. */
    private Duration crashAndAwaitRestart() {
        return crashAndAwaitRestart(() -> { });
    }

    /** As {@link #crashAndAwaitRestart()}, with {@code meanwhile} done right after the crash was seen. */
    private Duration crashAndAwaitRestart(Runnable meanwhile) {
        Instant crashed = monotonic.instant();
        int before = attempt;
        PodActions actions = crash();
        meanwhile.run();
        while (attempt == before) {
            assertThat(Duration.between(crashed, monotonic.instant())).isLessThan(Duration.ofMinutes(6));
            if (actions.wakeAt() != null) {
                assertThat(actions.waiting().get("app").reason()).isEqualTo("CrashLoopBackOff");
            }
            advance(Duration.ofSeconds(1));
            actions = plan(status(before, ContainerState.EXITED, null));
        }
        return Duration.between(crashed, monotonic.instant());
    }

    @Test
    void theFirstRestartIsImmediateThenTenSecondsDoublingToFiveMinutes() {
        List<Long> waited = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Instant crashed = monotonic.instant();
            if (crash().starts().isEmpty()) {
                advance(Duration.ofSeconds(1));
                while (plan(status(attempt, ContainerState.EXITED, null)).starts().isEmpty()) {
                    advance(Duration.ofSeconds(1));
                }
            }
            waited.add(Duration.between(crashed, monotonic.instant()).toSeconds());
        }

        assertThat(waited).containsExactly(0L, 10L, 20L, 40L, 80L, 160L, 300L, 300L);
    }

    @Test
    void theSyncInBackOffSaysWhenItEnds() {
        crash();
        advance(Duration.ofSeconds(3));

        PodActions second = crash();

        assertThat(second.starts()).isEmpty();
        assertThat(second.wakeAt()).isEqualTo(monotonic.instant().plusSeconds(10));
        assertThat(second.waiting().get("app").message()).startsWith("back-off 10s restarting failed container=app");
    }

    @Test
    void aContainerThatRanForTenMinutesStartsOverWithAnImmediateRestart() {
        crashAndAwaitRestart();
        crashAndAwaitRestart();
        assertThat(crashAndAwaitRestart()).isEqualTo(Duration.ofSeconds(20));

        advance(Duration.ofMinutes(11)); // it runs
        assertThat(crashAndAwaitRestart()).isZero();
        assertThat(crashAndAwaitRestart()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void anExitSeenLateCountsFromWhenItHappenedUpToTheDelay() {
        crashAndAwaitRestart();
        ContainerStatus exited = status(attempt, ContainerState.EXITED, wall.instant().minusSeconds(4));

        history.exitSeen(ref, exited.id(), exited.finishedAt()); // the lane was busy: seen 4 s after it happened
        PodActions actions = plan(exited);

        assertThat(actions.wakeAt()).isEqualTo(monotonic.instant().plusSeconds(6));
    }

    @Test
    void aSystemClockSetBackAnHourDoesNotHoldACrashedContainerForAnHour() {
        crashAndAwaitRestart();

        // the system clock is set back an hour while the container waits out its back-off
        assertThat(crashAndAwaitRestart(() -> wall.advance(Duration.ofHours(-1)))).isEqualTo(Duration.ofSeconds(10));
        assertThat(crashAndAwaitRestart()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void aSystemClockSetForwardDoesNotReleaseACrashLoop() {
        crashAndAwaitRestart();
        crashAndAwaitRestart();
        ContainerStatus exited = status(attempt, ContainerState.EXITED, wall.instant());
        history.exitSeen(ref, exited.id(), exited.finishedAt());

        wall.advance(Duration.ofHours(1)); // the system clock jumps an hour ahead while the container waits
        PodActions actions = plan(exited);

        assertThat(actions.starts()).isEmpty();
        assertThat(actions.wakeAt()).isEqualTo(monotonic.instant().plusSeconds(20));
    }

    @Test
    void aPodVersionForgottenStartsItsBackOffOver() {
        crashAndAwaitRestart();
        crashAndAwaitRestart();

        history.forget(POD.uid());

        assertThat(crashAndAwaitRestart()).isZero();
    }
}
