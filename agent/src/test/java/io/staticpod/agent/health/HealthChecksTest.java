package io.staticpod.agent.health;

import io.staticpod.agent.relist.RuntimeHealth;
import io.staticpod.agent.source.ScanProgress;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class HealthChecksTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private final InstantSource clock = now::get;
    private final AtomicReference<Instant> relist = new AtomicReference<>();
    /** Set: the relister's health while the runtime is down; null: up, answered at {@link #relist}. */
    private final AtomicReference<RuntimeHealth> down = new AtomicReference<>();
    private final HealthChecks checks = new HealthChecks(clock, Duration.ofSeconds(20), () -> down.get() != null
            ? down.get() : new RuntimeHealth(true, "", now.get(), relist.get()));

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
        Instant since = now.get();
        down.set(new RuntimeHealth(false, "docker does not answer: Cannot connect to the Docker daemon", since,
                relist.get()));
        assertThat(checks.check().lines()).contains("[-]runtime failed: the container runtime is down since "
                + "2026-01-01T00:00:00Z (0s ago): docker does not answer: Cannot connect to the Docker daemon");
        advance(5);
        down.set(new RuntimeHealth(false, "docker does not answer: still down", since, relist.get()));
        HealthChecks.Result r = checks.check();
        assertThat(r.healthy()).isFalse();
        assertThat(r.lines()).containsExactly("[+]source ok",
                "[-]runtime failed: the container runtime is down since 2026-01-01T00:00:00Z (5s ago): "
                        + "docker does not answer: still down",
                "[+]reconcile ok");
        relist.set(now.get());
        down.set(null);
        assertThat(checks.check().healthy()).isTrue();
    }

    @Test
    void aScanStuckOnAFileFailsTheSourcePartOnceItsStepIsPastTheBudgetNamingTheFileAndForHowLong() {
        java.util.concurrent.atomic.AtomicInteger stuckReads = new java.util.concurrent.atomic.AtomicInteger();
        ScanProgress progress = new ScanProgress(clock, Duration.ofSeconds(15), stuckReads::get, 4);
        checks.watchScan(progress);
        relist.set(now.get());
        checks.beat();
        checks.scanned();

        progress.begin(Path.of("/etc/kubernetes/manifests/stuck.yaml"));
        advance(15);
        assertThat(checks.check().healthy()).isTrue();
        advance(1);
        relist.set(now.get());
        checks.beat();
        HealthChecks.Result r = checks.check();
        assertThat(r.healthy()).isFalse();
        assertThat(r.lines()).containsExactly("[-]source failed: the scan of the static pod path has been on"
                        + " /etc/kubernetes/manifests/stuck.yaml since 2026-01-01T00:00:00Z (16s, budget 15s); the"
                        + " other manifests wait for it",
                "[+]runtime ok", "[+]reconcile ok");

        progress.end();
        checks.scanned();
        assertThat(checks.check().healthy()).isTrue();
    }

    @Test
    void tooManyStuckReadsFailTheSourcePartUntilTheyReturn() {
        java.util.concurrent.atomic.AtomicInteger stuckReads = new java.util.concurrent.atomic.AtomicInteger(4);
        checks.watchScan(new ScanProgress(clock, Duration.ofSeconds(15), stuckReads::get, 4));
        checks.scanned();

        assertThat(checks.check().lines().get(0)).isEqualTo("[-]source failed: 4 reads of manifest files are stuck"
                + " (a hung file system?); new and changed manifests are not read until the agent is restarted");
        stuckReads.set(3);
        assertThat(checks.check().lines().get(0)).isEqualTo("[+]source ok");
    }
}
