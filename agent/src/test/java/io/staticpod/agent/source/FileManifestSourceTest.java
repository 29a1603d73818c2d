package io.staticpod.agent.source;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.staticpod.manifest.ManifestReader;
import io.staticpod.manifest.ParseResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.assertj.core.api.Assertions.assertThat;

/** The file rules of the manifest directory, scanned directly (no watch, no timers). */
class FileManifestSourceTest {
    static final String POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: %s}\nspec:\n  containers: [{name: app, image: busybox:1.36}]\n";

    @TempDir
    Path dir;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(FileManifestSource.class);
    private FileManifestSource source;

    @BeforeEach
    void setUp() {
        logs.start();
        logger.addAppender(logs);
        logger.setLevel(ch.qos.logback.classic.Level.INFO);
        source = new FileManifestSource(dir, Duration.ofSeconds(20), new ManifestReader("n1"), s -> { }, loop);
    }

    @AfterEach
    void tearDown() {
        logger.detachAppender(logs);
        logger.setLevel(null);
        loop.shutdownNow();
    }

    private static WatchdogReader reads() {
        return new WatchdogReader(new ManifestReader("n1")::parse);
    }

    private String log() {
        synchronized (logs) { // the appender appends under its own lock, from the scanning thread
            return String.join("\n", logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
        }
    }

    @Test
    void readsEveryNonHiddenRegularFileWhateverItsExtensionAndSkipsLeftoversDirectoriesAndHiddenFiles() throws Exception {
        Files.writeString(dir.resolve("a.manifest"), POD.formatted("a"));
        Files.writeString(dir.resolve("b.yaml"), POD.formatted("b"));
        Files.writeString(dir.resolve(".hidden.yaml"), POD.formatted("h"));
        Files.writeString(dir.resolve("b.yaml~"), POD.formatted("old"));
        Files.writeString(dir.resolve("4913"), "");
        Files.createDirectories(dir.resolve("sub"));

        SourceSnapshot snapshot = source.scan();

        assertThat(snapshot.results()).extracting(r -> r.file().getFileName().toString())
                .containsExactly("a.manifest", "b.yaml");
        assertThat(log()).contains("b.yaml~", "sub").doesNotContain(".hidden");
    }

    @Test
    void aFileIsParsedAgainOnlyWhenItsBytesChange() throws Exception {
        Path file = dir.resolve("a.yaml");
        Files.writeString(file, POD.formatted("a"));
        ParseResult first = source.scan().results().get(0);

        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(0)); // touch
        assertThat(source.scan().results().get(0)).isSameAs(first);

        Files.writeString(file, POD.formatted("a2"));
        assertThat(source.scan().results().get(0)).isNotSameAs(first);
    }

    @Test
    void aFileOverTenMebibytesIsRefusedUnread() throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("huge.yaml").toFile(), "rw")) {
            f.setLength(ManifestFiles.MAX_SIZE + 1);
        }

        ParseResult result = source.scan().results().get(0);

        assertThat(result).isInstanceOfSatisfying(ParseResult.Invalid.class,
                i -> assertThat(i.errors().get(0).message()).contains("larger than the limit"));
    }

    @Test
    void aManifestWritableByOthersIsSaidLoudlyOnce() throws Exception {
        Path file = dir.resolve("a.yaml");
        Files.writeString(file, POD.formatted("a"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));

        source.scan();
        source.scan();

        assertThat(logs.list).filteredOn(e -> e.getFormattedMessage().contains("writable by others than root"))
                .singleElement().satisfies(e -> assertThat(e.getFormattedMessage()).contains("a.yaml", "rw-rw-rw-"));
    }

    @Test
    void aPathThatDisappearsKeepsItsPodsForThreeRelistsThenLosesThem() throws Exception {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        Path manifests = Files.createDirectories(dir.resolve("manifests"));
        FileManifestSource s = new FileManifestSource(manifests, Duration.ofSeconds(20), reads(),
                x -> { }, loop, now::get);
        Files.writeString(manifests.resolve("a.yaml"), POD.formatted("a"));
        SourceSnapshot before = s.scan();

        Files.delete(manifests.resolve("a.yaml"));
        Files.delete(manifests);
        assertThat(s.scan()).isSameAs(before);
        now.addAndGet(Duration.ofSeconds(59).toNanos());
        assertThat(s.scan()).isSameAs(before);
        assertThat(log()).contains("Static pod path disappeared", "removed if it is still missing after PT1M");

        Files.createDirectories(manifests); // back within the grace: read as it is now
        Files.writeString(manifests.resolve("b.yaml"), POD.formatted("b"));
        assertThat(s.scan().results()).extracting(r -> r.file().getFileName().toString()).containsExactly("b.yaml");
        assertThat(log()).contains("Static pod path is back");

        Files.delete(manifests.resolve("b.yaml"));
        Files.delete(manifests);
        assertThat(s.scan().results()).hasSize(1);
        now.addAndGet(Duration.ofSeconds(60).toNanos());
        SourceSnapshot after = s.scan();
        assertThat(after.results()).isEmpty();
        assertThat(after.pathExists()).isFalse();
        assertThat(log()).contains("still missing after PT1M; removing the static pods");
    }

    @Test
    void aPathMissingFromTheStartRunsNothingAndSaysSoOnce() {
        FileManifestSource s = new FileManifestSource(dir.resolve("none"), Duration.ofSeconds(20),
                reads(), x -> { }, loop, () -> 0L);

        assertThat(s.scan().results()).isEmpty();
        assertThat(s.scan().pathExists()).isFalse();
        assertThat(logs.list).filteredOn(e -> e.getFormattedMessage().contains("does not exist")).hasSize(1);
    }

    @Test
    void aDanglingSymbolicLinkIsAMissingPath() throws Exception {
        Path target = Files.createDirectories(dir.resolve("release-1"));
        Files.writeString(target.resolve("a.yaml"), POD.formatted("a"));
        Path link = Files.createSymbolicLink(dir.resolve("current"), target);
        FileManifestSource s = new FileManifestSource(link, Duration.ofSeconds(20), reads(),
                x -> { }, loop, () -> 0L);
        SourceSnapshot before = s.scan();

        Files.delete(target.resolve("a.yaml"));
        Files.delete(target);

        assertThat(s.scan()).isSameAs(before);
    }

    @Test
    void afterALinkSwitchTheNewDirectoryIsWatched() throws Exception {
        Path release1 = Files.createDirectories(dir.resolve("release-1"));
        Path release2 = Files.createDirectories(dir.resolve("release-2"));
        Files.writeString(release1.resolve("a.yaml"), POD.formatted("a"));
        Files.writeString(release2.resolve("b.yaml"), POD.formatted("b"));
        Path current = Files.createSymbolicLink(dir.resolve("current"), release1.getFileName());
        java.util.List<SourceSnapshot> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        // a re-list far away: only the watch can tell
        FileManifestSource s = new FileManifestSource(current, Duration.ofMinutes(10), new ManifestReader("n1"),
                seen::add, loop);
        s.start();
        org.awaitility.Awaitility.await().until(() -> seen.size() == 1);

        Files.createSymbolicLink(dir.resolve("current.new"), release2.getFileName());
        Files.move(dir.resolve("current.new"), current, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.delete(release1.resolve("a.yaml")); // the old release removed: seen by the old watch
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> names(seen).equals("b.yaml"));
        Files.writeString(release2.resolve("c.yaml"), POD.formatted("c")); // seen only by a watch of the new one

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> names(seen).equals("b.yaml,c.yaml"));
        s.close();
    }

    @Test
    void aDirectoryDeletedAndRecreatedIsWatchedAgain() throws Exception {
        Path manifests = Files.createDirectories(dir.resolve("manifests"));
        Files.writeString(manifests.resolve("a.yaml"), POD.formatted("a"));
        java.util.List<SourceSnapshot> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        FileManifestSource s = new FileManifestSource(manifests, Duration.ofMinutes(10), new ManifestReader("n1"),
                seen::add, loop);
        s.start();
        org.awaitility.Awaitility.await().until(() -> seen.size() == 1);

        Files.delete(manifests.resolve("a.yaml"));
        Files.delete(manifests);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> log().contains("Static pod path disappeared"));
        Files.createDirectories(manifests);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> log().contains("Static pod path is back"));
        Files.writeString(manifests.resolve("b.yaml"), POD.formatted("b")); // seen only by a watch of the new one

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> names(seen).equals("b.yaml"));
        s.close();
    }

    private static String names(java.util.List<SourceSnapshot> seen) {
        return String.join(",", seen.get(seen.size() - 1).results().stream()
                .map(r -> r.file().getFileName().toString()).toList());
    }

    @Test
    void aFileWhoseParseNeverEndsIsGivenUpOnceAndEveryOtherFileIsReadAsUsual() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger hangs = new java.util.concurrent.atomic.AtomicInteger();
        ManifestReader manifests = new ManifestReader("n1");
        WatchdogReader reads = new WatchdogReader((file, content) -> {
            if (file.getFileName().toString().equals("b-hang.yaml")) {
                hangs.incrementAndGet();
                while (release.getCount() > 0) {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        // a parse that does not stop when told to
                    }
                }
            }
            return manifests.parse(file, content);
        }, new WatchdogReader.Budget(Duration.ofSeconds(10), Duration.ofSeconds(1), 4));
        manifests.parse(dir.resolve("warm-up.yaml"), POD.formatted("w").getBytes(StandardCharsets.UTF_8));
        FileManifestSource s = new FileManifestSource(dir, Duration.ofSeconds(20), reads, x -> { }, loop, () -> 0L);
        Files.writeString(dir.resolve("a.yaml"), POD.formatted("a"));
        Files.writeString(dir.resolve("b-hang.yaml"), POD.formatted("b"));
        Files.writeString(dir.resolve("c.yaml"), POD.formatted("c"));
        try {
            SourceSnapshot first = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60),
                    s::scan);
            Files.writeString(dir.resolve("d.yaml"), POD.formatted("d"));
            SourceSnapshot second = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60),
                    s::scan);

            assertThat(first.results()).extracting(r -> r.getClass().getSimpleName())
                    .containsExactly("Parsed", "Invalid", "Parsed");
            assertThat(((ParseResult.Invalid) first.results().get(1)).errors()).singleElement().asString()
                    .startsWith(dir.resolve("b-hang.yaml") + ": not parsed within 1s, the budget of one manifest");
            assertThat(second.results()).extracting(r -> r.file().getFileName().toString())
                    .containsExactly("a.yaml", "b-hang.yaml", "c.yaml", "d.yaml");
            assertThat(second.results().get(1)).isSameAs(first.results().get(1));
            assertThat(hangs).as("not read again while unchanged").hasValue(1);
            assertThat(logs.list).filteredOn(e -> e.getFormattedMessage().contains("Gave up reading")).singleElement()
                    .satisfies(e -> assertThat(e.getFormattedMessage()).contains("file=" + dir.resolve("b-hang.yaml"),
                            "budget=11s", "stuckReads=1"));
            assertThat(s.progress().current()).isEmpty();
        } finally {
            release.countDown();
        }
    }

    @Test
    void theScanPublishesTheFileItIsOnForTheHealthChecks() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        ManifestReader manifests = new ManifestReader("n1");
        WatchdogReader reads = new WatchdogReader((file, content) -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return manifests.parse(file, content);
        }, new WatchdogReader.Budget(Duration.ofSeconds(60), Duration.ofSeconds(60), 4));
        FileManifestSource s = new FileManifestSource(dir, Duration.ofSeconds(20), reads, x -> { }, loop, () -> 0L);
        Path file = Files.writeString(dir.resolve("slow.yaml"), POD.formatted("slow"));

        java.util.concurrent.CompletableFuture<SourceSnapshot> scan = java.util.concurrent.CompletableFuture
                .supplyAsync(s::scan);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> s.progress().current().map(ScanProgress.Step::subject).orElse(null), file::equals);
        assertThat(s.progress().stepBudget()).isEqualTo(Duration.ofSeconds(123));
        release.countDown();

        assertThat(scan.get(30, java.util.concurrent.TimeUnit.SECONDS).results()).singleElement()
                .isInstanceOf(ParseResult.Parsed.class);
        assertThat(s.progress().current()).isEmpty();
    }

    @Test
    void aChangeIsScannedAtOnceAndChangesFasterThanTheDebounceMakeOneMoreScanAtItsEnd() throws Exception {
        io.staticpod.agent.testing.ManualScheduler manual = new io.staticpod.agent.testing.ManualScheduler();
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1_000_000_000L);
        java.util.concurrent.atomic.AtomicInteger scans = new java.util.concurrent.atomic.AtomicInteger();
        FileManifestSource s = new FileManifestSource(dir, Duration.ofSeconds(20), reads(),
                x -> scans.incrementAndGet(), manual, now::get);

        s.requestScan();
        manual.runQueued();
        assertThat(manual.pending()).singleElement().satisfies(t -> assertThat(t.delay).isZero());
        manual.fire();
        assertThat(scans).hasValue(1);

        now.addAndGet(Duration.ofMillis(20).toNanos());
        s.requestScan();
        s.requestScan();
        manual.runQueued();
        assertThat(manual.pending()).singleElement()
                .satisfies(t -> assertThat(t.delay).isEqualTo(FileManifestSource.DEBOUNCE.minusMillis(20)));
        manual.fire();
        assertThat(scans).hasValue(2);

        now.addAndGet(FileManifestSource.DEBOUNCE.toNanos());
        s.requestScan();
        manual.runQueued();
        assertThat(manual.pending()).singleElement().satisfies(t -> assertThat(t.delay).isZero());
    }

    @Test
    void aFileGoneAtTheFirstEventIsBelievedOnlyByAScanAfterTheEventsSettled() throws Exception {
        io.staticpod.agent.testing.ManualScheduler manual = new io.staticpod.agent.testing.ManualScheduler();
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1_000_000_000L);
        java.util.List<SourceSnapshot> seen = new java.util.ArrayList<>();
        Files.writeString(dir.resolve("a.yaml"), POD.formatted("a"));
        Files.writeString(dir.resolve("b.yaml"), POD.formatted("b"));
        FileManifestSource s = new FileManifestSource(dir, Duration.ofSeconds(20), reads(), seen::add, manual,
                now::get);
        s.requestScan();
        manual.runQueued();
        manual.fire();
        assertThat(names(seen)).isEqualTo("a.yaml,b.yaml");

        now.addAndGet(Duration.ofSeconds(1).toNanos());
        Files.delete(dir.resolve("a.yaml")); // the first of rm -rf's deletions
        s.requestScan();
        manual.runQueued();
        manual.fire();

        assertThat(seen).hasSize(1); // not believed yet
        assertThat(manual.pending()).singleElement()
                .satisfies(t -> assertThat(t.delay).isEqualTo(FileManifestSource.DEBOUNCE));
        manual.fire();
        assertThat(seen).hasSize(2);
        assertThat(names(seen)).isEqualTo("b.yaml");
    }
}
