package io.staticpod.agent.health;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.staticpod.agent.testing.MutableClock;
import io.staticpod.agent.source.ScanProgress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The log of a stuck scan, checked by hand on a clock stepped by hand. */
class StuckScanLogTest {
    static final Path FILE = Path.of("/etc/kubernetes/manifests/stuck.yaml");

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final AtomicInteger stuckReads = new AtomicInteger();
    private final ScanProgress progress = new ScanProgress(clock, Duration.ofSeconds(15), stuckReads::get, 4);
    private final StuckScanLog stuckLog = new StuckScanLog(progress, clock);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(StuckScanLog.class);

    @BeforeEach
    void capture() {
        logs.start();
        logger.addAppender(logs);
        logger.setLevel(Level.INFO);
    }

    @AfterEach
    void release() {
        logger.detachAppender(logs);
        logger.setLevel(null);
    }

    private java.util.List<String> lines() {
        return logs.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }

    @Test
    void aStuckScanIsSaidOnceNamingTheFileAndOnceMoreWhenItMovesOn() {
        progress.begin(FILE);
        clock.advance(Duration.ofSeconds(15));
        stuckLog.check();
        assertThat(lines()).isEmpty();

        clock.advance(Duration.ofSeconds(1));
        stuckLog.check();
        clock.advance(Duration.ofSeconds(5));
        stuckLog.check();
        progress.begin(FILE.resolveSibling("next.yaml"));
        stuckLog.check();

        assertThat(lines()).containsExactly(
                "ERROR Scan of the static pod path is stuck; no other manifest is read and /healthz fails until it"
                        + " moves on file=" + FILE + " for=16s budget=15s",
                "INFO Scan of the static pod path moved on file=" + FILE + " after=21s");
    }

    @Test
    void tooManyStuckReadsAreSaidOnceAndTheirReturnToo() {
        stuckReads.set(4);
        stuckLog.check();
        stuckLog.check();
        stuckReads.set(3);
        stuckLog.check();

        assertThat(lines()).containsExactly(
                "ERROR Too many reads of static pod manifests are stuck; new and changed manifests are not read until"
                        + " the agent is restarted stuckReads=4",
                "INFO Stuck reads of static pod manifests returned; new and changed manifests are read again"
                        + " stuckReads=3");
    }
}
