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

    private String log() {
        return String.join("\n", logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
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
}
