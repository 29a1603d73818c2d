package io.staticpod.runtime.ctr;

import io.staticpod.runtime.spi.LogOptions;
import io.staticpod.runtime.spi.LogReader.LogLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The plain log file of a ctr container, read as lines: all, the last N, since a time, following. */
class FileLogReaderTest {

    static final Instant WRITTEN = Instant.parse("2026-12-06T18:00:00Z");
    static final Instant NOW = Instant.parse("2026-12-06T18:30:00Z");

    @TempDir
    Path dir;
    final AtomicReference<Instant> now = new AtomicReference<>(NOW);

    Path log(String content) throws Exception {
        Path file = dir.resolve("c.log");
        Files.writeString(file, content);
        Files.setLastModifiedTime(file, FileTime.from(WRITTEN));
        return file;
    }

    List<String> read(Path file, LogOptions options) throws Exception {
        List<String> lines = new ArrayList<>();
        try (FileLogReader reader = new FileLogReader(file, CtrLoggers.PLAIN, options, () -> true, now::get, (d, r) -> {
            throw new AssertionError("a read that does not follow never waits");
        })) {
            for (LogLine line = reader.next(); line != null; line = reader.next()) {
                lines.add(new String(line.bytes(), StandardCharsets.UTF_8) + (line.partial() ? "<partial>" : ""));
            }
        }
        return lines;
    }

    @Test
    void everyLineComesWithTheTimeTheFileWasLastWrittenAsStdout() throws Exception {
        Path file = log("one\ntwo\n");
        try (FileLogReader reader = new FileLogReader(file, CtrLoggers.PLAIN, LogOptions.ALL, () -> true, now::get, FileLogReader.MONITOR)) {
            LogLine one = reader.next();
            assertThat(new String(one.bytes(), StandardCharsets.UTF_8)).isEqualTo("one");
            assertThat(one.time()).isEqualTo(WRITTEN);
            assertThat(one.stream()).isEqualTo(LogLine.Stream.STDOUT);
            assertThat(one.partial()).isFalse();
            assertThat(reader.next()).isNotNull();
            assertThat(reader.next()).isNull();
        }
    }

    @Test
    void aLastLineWithoutLineEndAndAnOverlongLineComeAsPartialLines() throws Exception {
        String longLine = "x".repeat(CtrLoggers.MAX_TEXT + 10);

        assertThat(read(log(longLine + "\nlast"), LogOptions.ALL)).containsExactly(
                "x".repeat(CtrLoggers.MAX_TEXT) + "<partial>", "x".repeat(10), "last<partial>");
    }

    @Test
    void tailCountsLinesFromTheEndEvenAcrossBlocks() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            text.append("line ").append(i).append('\n');
        }
        Path file = log(text.toString());

        assertThat(read(file, new LogOptions(false, 2, null))).containsExactly("line 4998", "line 4999");
        assertThat(read(file, new LogOptions(false, 0, null))).isEmpty();
        assertThat(read(file, new LogOptions(false, 10_000, null))).hasSize(5000);
        assertThat(read(log("a\nb"), new LogOptions(false, 1, null))).containsExactly("b<partial>");
    }

    @Test
    void sinceKeepsTheFileWrittenAfterItAndNothingOfOneWrittenBefore() throws Exception {
        Path file = log("old\n");

        assertThat(read(file, new LogOptions(false, -1, WRITTEN.plusSeconds(1)))).isEmpty();
        assertThat(read(file, new LogOptions(false, -1, WRITTEN))).containsExactly("old");
    }

    @Test
    void aLogNotWrittenYetIsEmpty() throws Exception {
        assertThat(read(dir.resolve("missing.log"), LogOptions.ALL)).isEmpty();
    }

    @Test
    void followingReadsWhatIsWrittenWithItsReadTimeUntilTheContainerHasEndedThenTheRest() throws Exception {
        Path file = log("before\n");
        AtomicBoolean ended = new AtomicBoolean();
        AtomicInteger waits = new AtomicInteger();
        FileLogReader.Waiter waiter = (d, r) -> {
            now.set(now.get().plus(d));
            int wait = waits.incrementAndGet();
            assertThat(wait).as("waits: the end of the container is never seen").isLessThan(100);
            switch (wait) {
                case 1 -> append(file, "while running\npart");
                case 5 -> {
                    append(file, "ial\nlast words");
                    ended.set(true);
                }
                default -> { }
            }
        };
        List<String> lines = new ArrayList<>();
        List<Instant> times = new ArrayList<>();
        try (FileLogReader reader = new FileLogReader(file, CtrLoggers.PLAIN, new LogOptions(true, -1, null), ended::get, now::get,
                waiter)) {
            for (LogLine line = reader.next(); line != null; line = reader.next()) {
                lines.add(new String(line.bytes(), StandardCharsets.UTF_8) + (line.partial() ? "<partial>" : ""));
                times.add(line.time());
            }
        }

        assertThat(lines).containsExactly("before", "while running", "partial", "last words<partial>");
        assertThat(times.get(0)).isEqualTo(WRITTEN);
        assertThat(times.get(1)).isEqualTo(NOW.plus(FileLogReader.POLL));
        // the end is looked for once a second: after the fifth wait (1.25 s) it is seen at the next check
        assertThat(waits.get()).isBetween(5, 8);
    }

    @Test
    void closeEndsAFollowThatWaitsForMore() throws Exception {
        Path file = log("");
        AtomicReference<FileLogReader> self = new AtomicReference<>();
        FileLogReader reader = new FileLogReader(file, CtrLoggers.PLAIN, new LogOptions(true, -1, null), () -> false, now::get,
                (d, r) -> self.get().close());
        self.set(reader);

        assertThat(reader.next()).isNull();
    }

    @Test
    @Timeout(60) // a hang guard: the real waiter must not wait its day once closed
    void theRealWaiterReturnsAtOnceOnceClosed() throws Exception {
        FileLogReader reader = new FileLogReader(log(""), CtrLoggers.PLAIN, new LogOptions(true, -1, null), () -> false, now::get,
                FileLogReader.MONITOR);
        reader.close();

        FileLogReader.MONITOR.await(Duration.ofDays(1), reader);
        assertThat(reader.next()).isNull();
    }

    static final String CRI = "2026-12-06T18:00:00.100000001Z stdout F one\n"
            + "2026-12-06T18:00:00.200000002Z stderr F two\n"
            + "2026-12-06T18:00:00.300000003Z stdout P thr\n"
            + "2026-12-06T18:00:00.300000004Z stdout F ee\n"
            + "2026-12-06T18:00:00.400000005Z stdout F \n";

    List<LogLine> readCri(Path file, LogOptions options) throws Exception {
        List<LogLine> lines = new ArrayList<>();
        try (FileLogReader reader = new FileLogReader(file, CtrLoggers.CRI, options, () -> true, now::get, (d, r) -> {
            throw new AssertionError("a read that does not follow never waits");
        })) {
            for (LogLine line = reader.next(); line != null; line = reader.next()) {
                lines.add(line);
            }
        }
        return lines;
    }

    static String text(LogLine line) {
        return new String(line.bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void criLinesCarryTheirOwnTimeStreamAndPartialFlag() throws Exception {
        List<LogLine> lines = readCri(log(CRI), LogOptions.ALL);

        assertThat(lines).extracting(FileLogReaderTest::text).containsExactly("one", "two", "thr", "ee", "");
        assertThat(lines).extracting(LogLine::stream).containsExactly(LogLine.Stream.STDOUT, LogLine.Stream.STDERR,
                LogLine.Stream.STDOUT, LogLine.Stream.STDOUT, LogLine.Stream.STDOUT);
        assertThat(lines).extracting(LogLine::partial).containsExactly(false, false, true, false, false);
        assertThat(lines.get(1).time()).isEqualTo(Instant.parse("2026-12-06T18:00:00.200000002Z"));
    }

    @Test
    void criTailTakesTheLastLinesThenSinceDropsTheEarlierOnesToTheNanosecond() throws Exception {
        Path file = log(CRI);

        assertThat(readCri(file, new LogOptions(false, 2, null))).extracting(FileLogReaderTest::text)
                .containsExactly("ee", "");
        assertThat(readCri(file, new LogOptions(false, -1, Instant.parse("2026-12-06T18:00:00.200000003Z"))))
                .extracting(FileLogReaderTest::text).containsExactly("thr", "ee", "");
        assertThat(readCri(file, new LogOptions(false, 4, Instant.parse("2026-12-06T18:00:00.300000004Z"))))
                .extracting(FileLogReaderTest::text).containsExactly("ee", "");
    }

    @Test
    void followingACriLogWaitsForALineTheLoggerIsStillWriting() throws Exception {
        Path file = log("2026-12-06T18:00:00.1Z stdout F first\n2026-12-06T18:00:00.2Z std");
        AtomicInteger waits = new AtomicInteger();
        AtomicBoolean ended = new AtomicBoolean();
        List<String> lines = new ArrayList<>();
        try (FileLogReader reader = new FileLogReader(file, CtrLoggers.CRI, new LogOptions(true, -1, null),
                ended::get, now::get, (d, r) -> {
            now.set(now.get().plus(d));
            if (waits.incrementAndGet() == 1) {
                append(file, "err F second\n");
                ended.set(true);
            }
            assertThat(waits.get()).as("waits").isLessThan(100);
        })) {
            for (LogLine line = reader.next(); line != null; line = reader.next()) {
                lines.add(line.stream() + " " + text(line));
            }
        }

        assertThat(lines).containsExactly("STDOUT first", "STDERR second");
    }

    private static void append(Path file, String text) {
        try {
            Files.writeString(file, text, StandardOpenOption.APPEND);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
