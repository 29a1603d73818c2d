package io.staticpod.agent.health;

import io.staticpod.agent.source.ScanProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;

/**
 * Says in the log, once, that the scan of the static pod path is stuck on a file (and once more when it moves on),
 * and that too many reads of manifest files are stuck. {@link #check} runs on a timer of its own: the scanning thread
 * is the one that is stuck, so it cannot say so itself.
 *
 * <p>Not thread-safe: one timer thread calls {@link #check}.
 */
final class StuckScanLog {
    private static final Logger log = LoggerFactory.getLogger(StuckScanLog.class);

    private final ScanProgress progress;
    private final InstantSource clock;
    private ScanProgress.Step reported;
    private boolean exhaustedReported;

    StuckScanLog(ScanProgress progress, InstantSource clock) {
        this.progress = progress;
        this.clock = clock;
    }

    void check() {
        Optional<ScanProgress.Step> overdue = progress.overdue();
        if (overdue.isPresent() && !overdue.get().equals(reported)) {
            ScanProgress.Step step = overdue.get();
            reported = step;
            log.error("Scan of the static pod path is stuck; no other manifest is read and /healthz fails until it"
                    + " moves on file={} for={}s budget={}s", step.subject(),
                    Duration.between(step.since(), clock.instant()).toSeconds(), progress.stepBudget().toSeconds());
        } else if (overdue.isEmpty() && reported != null && !progress.current().filter(reported::equals).isPresent()) {
            log.info("Scan of the static pod path moved on file={} after={}s", reported.subject(),
                    Duration.between(reported.since(), clock.instant()).toSeconds());
            reported = null;
        }
        boolean exhausted = progress.readsExhausted();
        if (exhausted && !exhaustedReported) {
            log.error("Too many reads of static pod manifests are stuck; new and changed manifests are not read until"
                    + " the agent is restarted stuckReads={}", progress.stuckReads());
        } else if (!exhausted && exhaustedReported) {
            log.info("Stuck reads of static pod manifests returned; new and changed manifests are read again"
                    + " stuckReads={}", progress.stuckReads());
        }
        exhaustedReported = exhausted;
    }
}
