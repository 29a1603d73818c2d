package io.staticpod.agent.source;

import io.staticpod.manifest.ManifestReader;
import io.staticpod.manifest.ParseResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The watchdog around reading and parsing one file. A parser that never returns stands for any parse the parse
 * budget cannot end; the budgets are small so that the watchdog's give-up comes at once.
 */
class WatchdogReaderTest {
    static final String POD = FileManifestSourceTest.POD;
    /** Short enough for a test, long enough for a real parse of a small manifest on a loaded machine. */
    static final WatchdogReader.Budget SMALL =
            new WatchdogReader.Budget(Duration.ofSeconds(10), Duration.ofSeconds(1), 2);
    /** Nothing here takes long: this only turns a regression into a failure instead of a hang. */
    static final Duration HANG = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private final ManifestReader manifests = new ManifestReader("n1");
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger parses = new AtomicInteger();

    @org.junit.jupiter.api.BeforeEach
    void warmUp() {
        // class loading is the first parse's, not the watchdog's to wait for
        manifests.parse(dir.resolve("warm-up.yaml"), POD.formatted("web").getBytes(StandardCharsets.UTF_8));
    }

    @AfterEach
    void releaseStuckThreads() {
        release.countDown();
    }

    /** Parses as the agent does, except files named {@code hang*}, whose parse ignores interrupts until released. */
    private ParseResult parse(Path file, byte[] content) {
        parses.incrementAndGet();
        if (file.getFileName().toString().startsWith("hang")) {
            boolean interrupted = false;
            while (release.getCount() > 0) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    interrupted = true; // a parse that does not stop when told to
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return manifests.parse(file, content);
    }

    private WatchdogReader.Outcome read(WatchdogReader reads, Path file, WatchdogReader.Outcome previous) {
        return assertTimeoutPreemptively(HANG, () -> reads.read(file, previous));
    }

    private static String error(WatchdogReader.Outcome outcome) {
        return ((ParseResult.Invalid) outcome.result()).errors().get(0).toString();
    }

    @Test
    void aParseThatNeverEndsIsGivenUpWithAnErrorNamingTheFileAndTheBudget() throws Exception {
        WatchdogReader reads = new WatchdogReader(this::parse, SMALL);
        Path hang = Files.writeString(dir.resolve("hang.yaml"), POD.formatted("web"));

        WatchdogReader.Outcome outcome = read(reads, hang, null);

        assertThat(outcome.givenUp()).isTrue();
        assertThat(error(outcome)).isEqualTo(hang + ": not parsed within 1s, the budget of one manifest: given up,"
                + " and not read again until the file changes; please report this as a bug of static-pod-agent, with"
                + " the file");
        assertThat(reads.stuck()).isEqualTo(1);

        release.countDown();
        await().atMost(HANG).until(() -> reads.stuck() == 0);
    }

    @Test
    void aGivenUpFileIsNotReadAgainUntilItChanges() throws Exception {
        WatchdogReader reads = new WatchdogReader(this::parse, SMALL);
        Path hang = Files.writeString(dir.resolve("hang.yaml"), POD.formatted("web"));
        WatchdogReader.Outcome first = read(reads, hang, null);

        assertThat(read(reads, hang, first)).isSameAs(first);
        assertThat(parses).hasValue(1);

        // touched: a new read, but the same bytes keep the verdict without a parse
        Files.setLastModifiedTime(hang, FileTime.from(Instant.parse("2030-01-01T00:00:00Z")));
        WatchdogReader.Outcome touched = read(reads, hang, first);
        assertThat(touched.givenUp()).isTrue();
        assertThat(touched.result()).isSameAs(first.result());
        assertThat(parses).hasValue(1);

        // changed: parsed again (and given up again, since this parser still hangs)
        Files.writeString(hang, POD.formatted("other"));
        WatchdogReader.Outcome changed = read(reads, hang, touched);
        assertThat(changed.givenUp()).isTrue();
        assertThat(parses).hasValue(2);
    }

    @Test
    void noNewReadStartsOnceTooManyAreStuckButUnchangedFilesKeepTheirVerdict() throws Exception {
        WatchdogReader reads = new WatchdogReader(this::parse, SMALL);
        Path good = Files.writeString(dir.resolve("good.yaml"), POD.formatted("good"));
        WatchdogReader.Outcome goodBefore = read(reads, good, null);
        read(reads, Files.writeString(dir.resolve("hang1.yaml"), POD.formatted("a")), null);
        read(reads, Files.writeString(dir.resolve("hang2.yaml"), POD.formatted("b")), null);
        assertThat(reads.stuck()).isEqualTo(2);

        Path fresh = Files.writeString(dir.resolve("new.yaml"), POD.formatted("new"));
        assertThat(error(read(reads, fresh, null))).isEqualTo(fresh + ": not read: 2 earlier reads of manifest files"
                + " are stuck (a hung file system?) and no more are started; restart the agent to read new and changed"
                + " files");
        assertThat(read(reads, good, goodBefore)).isSameAs(goodBefore);

        release.countDown();
        await().atMost(HANG).until(() -> reads.stuck() == 0);
        assertThat(read(reads, fresh, null).result()).isInstanceOf(ParseResult.Parsed.class);
    }

    @Test
    void aParseThatStopsWhenInterruptedGivesItsThreadBack() throws Exception {
        WatchdogReader reads = new WatchdogReader((file, content) -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return manifests.parse(file, content); // stops at its first step: the thread is interrupted
        }, SMALL);

        Path file = Files.writeString(dir.resolve("a.yaml"), POD.formatted("a"));
        WatchdogReader.Outcome outcome = read(reads, file, null);

        assertThat(outcome.givenUp()).isTrue();
        await().atMost(HANG).until(() -> reads.stuck() == 0);
    }

    @Test
    void unchangedBytesAreNotParsedAgain() throws Exception {
        WatchdogReader reads = new WatchdogReader(this::parse, SMALL);
        Path file = Files.writeString(dir.resolve("a.yaml"), POD.formatted("a"));
        WatchdogReader.Outcome first = read(reads, file, null);
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2030-01-01T00:00:00Z")));

        WatchdogReader.Outcome second = read(reads, file, first);

        assertThat(second.result()).isSameAs(first.result());
        assertThat(second.givenUp()).isFalse();
        assertThat(parses).hasValue(1);
    }

    @Test
    void aFileThatTurnsIntoAFifoAfterItsCheckIsGivenUpOnNotWaitedFor() throws Exception {
        Path fifo = dir.resolve("raced.yaml");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mk.waitFor()).isZero();
        WatchdogReader reads = new WatchdogReader(this::parse,
                new WatchdogReader.Budget(Duration.ofMillis(300), Duration.ofSeconds(10), 2));

        // checked as it is now, a FIFO is never opened
        assertThat(error(read(reads, fifo, null))).contains("not a regular file", "it is never opened");

        // the race: the check saw a regular file, then a FIFO took its place; the open would block for ever
        WatchdogReader.FileStamp regular = new WatchdogReader.FileStamp(true, 10, null, null, null);
        WatchdogReader.Outcome outcome = assertTimeoutPreemptively(HANG, () -> reads.watch(fifo, regular, null));
        assertThat(outcome.givenUp()).isTrue();
        assertThat(error(outcome)).isEqualTo(fifo + ": not read within 300ms (a FIFO now, or a hung file system?):"
                + " given up, and not read again until the file changes");
        assertThat(reads.stuck()).isEqualTo(1);

        // a writer arriving lets the parked open return, and the thread is given back
        assertTimeoutPreemptively(HANG, () -> new FileOutputStream(fifo.toFile()).close());
        await().atMost(HANG).until(() -> reads.stuck() == 0);
    }
}
