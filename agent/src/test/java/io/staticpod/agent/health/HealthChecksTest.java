package io.staticpod.agent.health;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class HealthChecksTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private final InstantSource clock = now::get;
    private final AtomicReference<Instant> relist = new AtomicReference<>();
    private final HealthChecks checks = new HealthChecks(clock, Duration.ofSeconds(20), relist::get);

    private void advance(int seconds) {
        now.set(now.get().plusSeconds(seconds));
    }

    @Test
    void eachPartHasItsGraceFromTheStartThenMustStayFresh() {
        assertThat(checks.check().healthy()).isTrue();
        advance(31);
        HealthChecks.Result r = checks.check();
        assertThat(r.healthy()).isFalse();
        assertThat(r.lines()).containsExactly("[+]source ok",
                "[-]runtime failed: the container runtime has not answered a relist since 2026-01-01T00:00:00Z "
                        + "(31s ago, limit 30s, never since the agent started)",
                "[-]reconcile failed: the reconcile thread has not run since 2026-01-01T00:00:00Z "
                        + "(31s ago, limit 30s, never since the agent started)");
        relist.set(now.get());
        checks.beat();
        checks.scanned();
        assertThat(checks.check().healthy()).isTrue();
    }

    @Test
    void theSourceMayMissOneReListButNotTwo() {
        checks.scanned();
        advance(49);
        relist.set(now.get());
        checks.beat();
        assertThat(checks.check().healthy()).isTrue();
        advance(2);
        relist.set(now.get());
        checks.beat();
        assertThat(checks.check().lines().get(0)).startsWith("[-]source failed: no scan of the static pod path since")
                .contains("51s ago, limit 50s");
        checks.fileCheckFrequency(Duration.ofMinutes(1));
        assertThat(checks.check().healthy()).isTrue();
    }

    @Test
    void aRuntimeThatStopsAnsweringIsReportedAtOnceAndUntilItAnswersAgain() {
        relist.set(now.get());
        checks.beat();
        checks.scanned();
        checks.runtime(false, "docker does not answer: Cannot connect to the Docker daemon");
        advance(5);
        checks.runtime(false, "docker does not answer: still down");
        HealthChecks.Result r = checks.check();
        assertThat(r.healthy()).isFalse();
        assertThat(r.lines()).containsExactly("[+]source ok",
                "[-]runtime failed: the container runtime is down since 2026-01-01T00:00:00Z (5s ago): "
                        + "docker does not answer: still down",
                "[+]reconcile ok");
        checks.runtime(true, null);
        assertThat(checks.check().healthy()).isTrue();
    }
}
