package io.staticpod.agent.source;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * What the scan of the static pod path is busy with at this moment, so that a scan that stopped moving is seen from
 * outside it ({@code /healthz}, the log) within seconds rather than when the next re-list fails to come. Each step
 * (listing the directory, one file) has a budget: the watchdog's {@link WatchdogReader.Budget#perFile()} plus
 * {@link #SLACK}. A step past it means that something the watchdog does not cover is stuck: the listing, a look at a
 * file's attributes on a hung file system, or the watchdog itself.
 *
 * <p>Written by the scanning thread, read by any: thread-safe.
 */
public final class ScanProgress {
    /** Beyond the watchdog's own budget, so that a file it gives up on just in time is not reported. */
    static final Duration SLACK = Duration.ofSeconds(3);

    /** One step of a scan: what it is on (a file, or the directory being listed) and since when. */
    public record Step(Path subject, Instant since) {
    }

    private final InstantSource clock;
    private final Duration stepBudget;
    private final IntSupplier stuckReads;
    private final int maxStuckReads;
    private volatile Step current;

    /**
     * @param clock         a monotonic clock (the health checks' own)
     * @param stepBudget    how long one step may take before it is reported
     * @param stuckReads    how many given-up reads still hold a thread
     * @param maxStuckReads how many may, before no new read is started
     */
    public ScanProgress(InstantSource clock, Duration stepBudget, IntSupplier stuckReads, int maxStuckReads) {
        this.clock = clock;
        this.stepBudget = stepBudget;
        this.stuckReads = stuckReads;
        this.maxStuckReads = maxStuckReads;
    }

    /** The progress of scans that read through {@code reads}. */
    public static ScanProgress of(InstantSource clock, WatchdogReader reads) {
        return new ScanProgress(clock, reads.budget().perFile().plus(SLACK), reads::stuck, reads.budget().maxStuck());
    }

    /** The scan starts on {@code subject}. Called by the scanning thread. */
    public void begin(Path subject) {
        current = new Step(subject, clock.instant());
    }

    /** The scan is done with its current step. Called by the scanning thread. */
    public void end() {
        current = null;
    }

    public Duration stepBudget() {
        return stepBudget;
    }

    /** The step that has run past its budget by now, if any. */
    public Optional<Step> overdue() {
        Step step = current;
        if (step == null || Duration.between(step.since(), clock.instant()).compareTo(stepBudget) <= 0) {
            return Optional.empty();
        }
        return Optional.of(step);
    }

    /** The step under way, if any. */
    public Optional<Step> current() {
        return Optional.ofNullable(current);
    }

    public int stuckReads() {
        return stuckReads.getAsInt();
    }

    /** True when no new read is started any more: new and changed manifests wait for a restart of the agent. */
    public boolean readsExhausted() {
        return stuckReads.getAsInt() >= maxStuckReads;
    }
}
