package io.staticpod.agent.health;

import io.staticpod.agent.relist.RuntimeHealth;
import io.staticpod.agent.source.ScanProgress;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What {@code /healthz} answers: healthy only while the three parts that keep static pods running are live.
 * <ul>
 *   <li><b>source</b>: the static pod path was scanned within twice {@code fileCheckFrequency} plus {@link #SLACK}
 *   (a periodic re-list is scheduled every {@code fileCheckFrequency}); and, once the scan is watched
 *   ({@link #watchScan}), no step of a scan (the listing, one file) has run past its budget, and reads of manifest
 *   files are still started. A scan stuck on a file fails this part within that budget (15 s by default), naming
 *   the file, rather than when the next re-list fails to come;</li>
 *   <li><b>runtime</b>: read from the relister's health: the container runtime answered the relister (once a second)
 *   within {@link #RUNTIME_STALE}, and its last answer was not a failure (a runtime that refuses connections is
 *   reported at once, with since when);</li>
 *   <li><b>reconcile</b>: the reconcile thread ran a heartbeat within {@link #LOOP_STALE} (it is alive and not
 *   stuck).</li>
 * </ul>
 * Before a part's first success it is given the same time from the agent's start. Thread-safe.
 */
public final class HealthChecks {
    static final Duration SLACK = Duration.ofSeconds(10);
    static final Duration RUNTIME_STALE = Duration.ofSeconds(30);
    static final Duration LOOP_STALE = Duration.ofSeconds(30);

    private final InstantSource clock;
    private final Instant startedAt;
    private final Supplier<RuntimeHealth> runtime;
    private volatile Duration fileCheckFrequency;
    private volatile Instant lastScan;
    private volatile Instant lastBeat;
    private volatile ScanProgress scan;

    /** The outcome: healthy, and one line per part ({@code [+]source ok} or {@code [-]runtime failed: …}). */
    public record Result(boolean healthy, List<String> lines) {
        public Result {
            lines = List.copyOf(lines);
        }
    }

    /**
     * @param clock   the relister's clock (monotonic)
     * @param runtime the runtime's health as the relister sees it ({@link io.staticpod.agent.relist.Relister#health}),
     *                read at each check
     */
    public HealthChecks(InstantSource clock, Duration fileCheckFrequency, Supplier<RuntimeHealth> runtime) {
        this.clock = clock;
        this.startedAt = clock.instant();
        this.fileCheckFrequency = fileCheckFrequency;
        this.runtime = runtime;
    }

    /** The static pod path was scanned just now. */
    public void scanned() {
        lastScan = clock.instant();
    }

    /** The reconcile thread is alive just now. */
    public void beat() {
        lastBeat = clock.instant();
    }

    /** Watches what each scan is busy with: a step past its budget fails the source part at once. */
    public void watchScan(ScanProgress progress) {
        this.scan = progress;
    }

    /** After a config reload. */
    public void fileCheckFrequency(Duration frequency) {
        this.fileCheckFrequency = frequency;
    }

    public Result check() {
        Instant now = clock.instant();
        List<String> lines = new ArrayList<>();
        boolean ok = sourcePart(lines, now)
                & runtimePart(lines, now)
                & part(lines, "reconcile", lastBeat, LOOP_STALE, now,
                "the reconcile thread has not run");
        return new Result(ok, lines);
    }

    private boolean sourcePart(List<String> lines, Instant now) {
        ScanProgress progress = scan;
        if (progress != null) {
            Optional<ScanProgress.Step> overdue = progress.overdue();
            if (overdue.isPresent()) {
                ScanProgress.Step step = overdue.get();
                lines.add("[-]source failed: the scan of the static pod path has been on " + step.subject() + " since "
                        + step.since() + " (" + Duration.between(step.since(), now).toSeconds() + "s, budget "
                        + progress.stepBudget().toSeconds() + "s); the other manifests wait for it");
                return false;
            }
            if (progress.readsExhausted()) {
                lines.add("[-]source failed: " + progress.stuckReads() + " reads of manifest files are stuck (a hung"
                        + " file system?); new and changed manifests are not read until the agent is restarted");
                return false;
            }
        }
        return part(lines, "source", lastScan, fileCheckFrequency.multipliedBy(2).plus(SLACK), now,
                "no scan of the static pod path");
    }

    private boolean runtimePart(List<String> lines, Instant now) {
        RuntimeHealth health = runtime.get();
        if (health.ready()) {
            return part(lines, "runtime", health.lastSuccess(), RUNTIME_STALE, now,
                    "the container runtime has not answered a relist");
        }
        lines.add("[-]runtime failed: the container runtime is down since " + health.since() + " ("
                + Duration.between(health.since(), now).toSeconds() + "s ago): " + health.message());
        return false;
    }

    private boolean part(List<String> lines, String name, Instant last, Duration limit, Instant now, String what) {
        Instant since = last != null ? last : startedAt;
        Duration age = Duration.between(since, now);
        if (age.compareTo(limit) <= 0) {
            lines.add("[+]" + name + " ok");
            return true;
        }
        lines.add("[-]" + name + " failed: " + what + " since " + since + " (" + age.toSeconds() + "s ago, limit "
                + limit.toSeconds() + "s" + (last == null ? ", never since the agent started" : "") + ")");
        return false;
    }
}
