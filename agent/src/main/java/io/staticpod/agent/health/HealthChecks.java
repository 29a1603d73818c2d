package io.staticpod.agent.health;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What {@code /healthz} answers: healthy only while the three parts that keep static pods running are live.
 * <ul>
 *   <li><b>source</b>: the static pod path was scanned within twice {@code fileCheckFrequency} plus {@link #SLACK}
 *   (a periodic re-list is scheduled every {@code fileCheckFrequency});</li>
 *   <li><b>runtime</b>: the container runtime answered the relister (once a second) within {@link #RUNTIME_STALE},
 *   and its last answer was not a failure (a runtime that refuses connections is reported at once);</li>
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
    private final Supplier<Instant> lastRelist;
    private volatile Duration fileCheckFrequency;
    private volatile Instant lastScan;
    private volatile Instant lastBeat;
    private volatile RuntimeDown runtimeDown;

    private record RuntimeDown(Instant since, String message) {
    }

    /** The outcome: healthy, and one line per part ({@code [+]source ok} or {@code [-]runtime failed: …}). */
    public record Result(boolean healthy, List<String> lines) {
        public Result {
            lines = List.copyOf(lines);
        }
    }

    /** @param lastRelist when the runtime last answered a relist, or null if it never did */
    public HealthChecks(InstantSource clock, Duration fileCheckFrequency, Supplier<Instant> lastRelist) {
        this.clock = clock;
        this.startedAt = clock.instant();
        this.fileCheckFrequency = fileCheckFrequency;
        this.lastRelist = lastRelist;
    }

    /** The static pod path was scanned just now. */
    public void scanned() {
        lastScan = clock.instant();
    }

    /** The reconcile thread is alive just now. */
    public void beat() {
        lastBeat = clock.instant();
    }

    /** The container runtime stopped answering ({@code ready} false, with why) or answers again. */
    public void runtime(boolean ready, String message) {
        if (ready) {
            runtimeDown = null;
        } else if (runtimeDown == null) {
            runtimeDown = new RuntimeDown(clock.instant(), message);
        } else {
            runtimeDown = new RuntimeDown(runtimeDown.since(), message);
        }
    }

    /** After a config reload. */
    public void fileCheckFrequency(Duration frequency) {
        this.fileCheckFrequency = frequency;
    }

    public Result check() {
        Instant now = clock.instant();
        List<String> lines = new ArrayList<>();
        boolean ok = part(lines, "source", lastScan, fileCheckFrequency.multipliedBy(2).plus(SLACK), now,
                "no scan of the static pod path")
                & runtimePart(lines, now)
                & part(lines, "reconcile", lastBeat, LOOP_STALE, now,
                "the reconcile thread has not run");
        return new Result(ok, lines);
    }

    private boolean runtimePart(List<String> lines, Instant now) {
        RuntimeDown down = runtimeDown;
        if (down == null) {
            return part(lines, "runtime", lastRelist.get(), RUNTIME_STALE, now,
                    "the container runtime has not answered a relist");
        }
        lines.add("[-]runtime failed: the container runtime is down since " + down.since() + " ("
                + Duration.between(down.since(), now).toSeconds() + "s ago): " + down.message());
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
