package io.staticpod.runtime.cri;

import io.staticpod.runtime.spi.LogOptions;
import io.staticpod.runtime.spi.LogReader;
import io.staticpod.runtime.spi.LogReader.LogLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class CriLogReaderTest {
    @TempDir
    Path dir;

    @Test
    void recordsAreParsedWithTheirStreamTimeAndPartialFlag() {
        byte[] full = "2026-12-06T18:05:19.123456789Z stdout F hello world".getBytes(StandardCharsets.UTF_8);
        LogLine line = CriLogFormat.parse(full, full.length);
        assertThat(line.stream()).isEqualTo(LogLine.Stream.STDOUT);
        assertThat(line.time()).isEqualTo(Instant.parse("2026-12-06T18:05:19.123456789Z"));
        assertThat(new String(line.bytes(), StandardCharsets.UTF_8)).isEqualTo("hello world");
        assertThat(line.partial()).isFalse();

        byte[] part = "2026-12-06T18:05:19+01:00 stderr P no line end".getBytes(StandardCharsets.UTF_8);
        LogLine partial = CriLogFormat.parse(part, part.length);
        assertThat(partial.stream()).isEqualTo(LogLine.Stream.STDERR);
        assertThat(partial.partial()).isTrue();

        byte[] empty = "2026-12-06T18:05:19Z stdout F".getBytes(StandardCharsets.UTF_8);
        assertThat(CriLogFormat.parse(empty, empty.length).bytes()).isEmpty();
        for (String bad : List.of("not a log line", "2026-12-06T18:05:19Z stdin F x", "yesterday stdout F x")) {
            byte[] b = bad.getBytes(StandardCharsets.UTF_8);
            assertThat(CriLogFormat.parse(b, b.length)).as(bad).isNull();
        }
    }

    @Test
    void tailAndSinceChooseTheLastLinesAndSkipMalformedOnes() throws IOException {
        Path log = write("0.log", record(1, "stdout", "one"), "garbage\n", record(2, "stderr", "two"),
                record(3, "stdout", "three"));

        assertThat(texts(log, LogOptions.ALL)).containsExactly("one", "two", "three");
        assertThat(texts(log, new LogOptions(false, 2, null))).containsExactly("two", "three");
        assertThat(texts(log, new LogOptions(false, -1, Instant.parse("2026-01-01T00:00:02Z"))))
                .containsExactly("two", "three");
        assertThat(texts(log, new LogOptions(false, 0, null))).isEmpty();
    }

    @Test
    void followingReadsWhatIsAppendedAndEndsWhenTheContainerHasStopped() throws Exception {
        Path log = write("0.log", record(1, "stdout", "first"));
        AtomicBoolean running = new AtomicBoolean(true);
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (LogReader reader = new CriLogReader(log, new LogOptions(true, -1, null), running::get)) {
            CompletableFuture<Void> done = CompletableFuture.runAsync(() -> readAll(reader, seen));

            await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("first"));
            append(log, record(2, "stdout", "second"));
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("second"));
            assertThat(done).isNotDone();

            append(log, record(3, "stdout", "last words"));
            running.set(false);
            done.get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertThat(seen).containsExactly("first", "second", "last words");
    }

    @Test
    void followingGoesOnInTheNewFileAfterARotation() throws Exception {
        Path log = write("0.log", record(1, "stdout", "before"));
        AtomicBoolean running = new AtomicBoolean(true);
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (LogReader reader = new CriLogReader(log, new LogOptions(true, -1, null), running::get)) {
            CompletableFuture<Void> done = CompletableFuture.runAsync(() -> readAll(reader, seen));
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("before"));

            append(log, record(2, "stdout", "end of old file"));
            Files.move(log, dir.resolve("0.log.20261206-180000"));
            write("0.log", record(3, "stdout", "new file"));
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("new file"));
            running.set(false);
            done.get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertThat(seen).containsExactly("before", "end of old file", "new file");
    }

    @Test
    void closingEndsAFollowThatIsWaiting() throws Exception {
        Path log = write("0.log", record(1, "stdout", "only"));
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        LogReader reader = new CriLogReader(log, new LogOptions(true, -1, null), () -> true);
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> readAll(reader, seen));
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("only"));

        reader.close();

        done.get(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    private static void readAll(LogReader reader, List<String> into) {
        try {
            LogLine l;
            while ((l = reader.next()) != null) {
                into.add(new String(l.bytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> texts(Path log, LogOptions options) throws IOException {
        List<String> out = new ArrayList<>();
        try (LogReader reader = new CriLogReader(log, options, () -> false)) {
            readAll(reader, out);
        }
        return out;
    }

    static String record(int second, String stream, String text) {
        return Instant.parse("2026-01-01T00:00:00Z").plusSeconds(second) + " " + stream + " F " + text + "\n";
    }

    private Path write(String name, String... records) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, String.join("", records));
        return p;
    }

    private static void append(Path p, String record) throws IOException {
        Files.writeString(p, record, StandardOpenOption.APPEND);
    }
}
