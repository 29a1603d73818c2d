package io.staticpod.agent.pod;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class CrashBackoffTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final CrashBackoff backoff = new CrashBackoff(clock);

    @Test
    void firstRestartIsImmediateThenTenSecondsDoublingToFiveMinutes() {
        assertThat(backoff.next("c", clock.instant())).isInstanceOf(CrashBackoff.Decision.Now.class);

        long[] expected = {10, 20, 40, 80, 160, 300, 300};
        for (long seconds : expected) {
            Instant exited = clock.instant();
            CrashBackoff.Decision d = backoff.next("c", exited);
            assertThat(d).isEqualTo(new CrashBackoff.Decision.Wait(exited.plusSeconds(seconds),
                    Duration.ofSeconds(seconds)));
            clock.advance(Duration.ofSeconds(seconds - 1));
            assertThat(backoff.next("c", exited)).isInstanceOf(CrashBackoff.Decision.Wait.class);
            clock.advance(Duration.ofSeconds(1));
            assertThat(backoff.next("c", exited)).isInstanceOf(CrashBackoff.Decision.Now.class);
        }
    }

    @Test
    void aContainerThatRanForTenMinutesStartsOverWithAnImmediateRestart() {
        backoff.next("c", clock.instant());
        clock.advance(Duration.ofSeconds(10));
        backoff.next("c", clock.instant().minusSeconds(10)); // second crash, restarted after 10 s
        clock.advance(Duration.ofMinutes(11));

        assertThat(backoff.next("c", clock.instant())).isInstanceOf(CrashBackoff.Decision.Now.class);
        assertThat(backoff.next("c", clock.instant())).isEqualTo(
                new CrashBackoff.Decision.Wait(clock.instant().plusSeconds(10), Duration.ofSeconds(10)));
    }

    @Test
    void keysAreIndependentAndForgottenByPrefix() {
        backoff.next("uid1/a", clock.instant());
        assertThat(backoff.next("uid1/a", clock.instant())).isInstanceOf(CrashBackoff.Decision.Wait.class);
        assertThat(backoff.next("uid2/a", clock.instant())).isInstanceOf(CrashBackoff.Decision.Now.class);

        backoff.forget("uid1/");

        assertThat(backoff.next("uid1/a", clock.instant())).isInstanceOf(CrashBackoff.Decision.Now.class);
    }

    /** The back-off runs on the monotonic clock; the wall clock only tells the caller when "until" is. */
    @Test
    void aSystemClockSetBackAnHourDoesNotHoldACrashedContainerForAnHour() {
        MutableClock monotonic = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        MutableClock wall = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        CrashBackoff b = new CrashBackoff(wall, monotonic);
        b.next("c", wall.instant()); // first crash: immediate restart
        Instant exited = wall.instant();
        assertThat(b.next("c", exited)).isEqualTo(new CrashBackoff.Decision.Wait(exited.plusSeconds(10),
                Duration.ofSeconds(10))); // second crash: 10 s

        wall.advance(Duration.ofHours(-1)); // the system clock is set back an hour while the container waits
        assertThat(b.next("c", exited)).isEqualTo(new CrashBackoff.Decision.Wait(wall.instant().plusSeconds(10),
                Duration.ofSeconds(10)));
        monotonic.advance(Duration.ofSeconds(10));
        wall.advance(Duration.ofSeconds(10));

        assertThat(b.next("c", exited)).isInstanceOf(CrashBackoff.Decision.Now.class);
        Instant again = wall.instant(); // and the next crash waits 20 s, not an hour and 20 s
        assertThat(b.next("c", again)).isEqualTo(new CrashBackoff.Decision.Wait(again.plusSeconds(20),
                Duration.ofSeconds(20)));
    }

    @Test
    void aSystemClockSetForwardDoesNotReleaseACrashLoop() {
        MutableClock monotonic = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        MutableClock wall = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        CrashBackoff b = new CrashBackoff(wall, monotonic);
        b.next("c", wall.instant());
        Instant exited = wall.instant().plusSeconds(1);
        monotonic.advance(Duration.ofSeconds(1));
        wall.advance(Duration.ofSeconds(1));
        assertThat(b.next("c", exited)).isInstanceOf(CrashBackoff.Decision.Wait.class);

        wall.advance(Duration.ofHours(1)); // the system clock jumps an hour ahead while the container waits

        assertThat(b.next("c", exited)).isInstanceOf(CrashBackoff.Decision.Wait.class);
        monotonic.advance(Duration.ofSeconds(10));
        assertThat(b.next("c", exited)).isInstanceOf(CrashBackoff.Decision.Now.class);
    }
}
