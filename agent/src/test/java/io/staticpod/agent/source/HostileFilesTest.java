package io.staticpod.agent.source;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.staticpod.agent.desired.DesiredState;
import io.staticpod.manifest.ManifestReader;
import io.staticpod.manifest.ParseResult;
import io.staticpod.manifest.PodKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What lands in the static pod path that is not a plain manifest: odd names, links, FIFOs, huge and sparse files,
 * files that are not manifests at all, and files anyone may write. Scanned directly, with the log captured.
 */
class HostileFilesTest {
    static final String POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: %s}\nspec:\n  containers: [{name: app, image: busybox:1.36}]\n";
    static final String SHADOW = "root:$6$s3cr3tSalt$Q0hashQ0hash:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n";

    @TempDir
    Path dir;
    @TempDir
    Path elsewhere;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger sourceLogger = (Logger) LoggerFactory.getLogger(FileManifestSource.class);
    private FileManifestSource source;

    @BeforeEach
    void setUp() throws IOException {
        logs.start();
        root.addAppender(logs);
        sourceLogger.setLevel(Level.INFO);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        source = new FileManifestSource(dir, Duration.ofSeconds(20), new ManifestReader("n1"), s -> { }, loop);
    }

    @AfterEach
    void tearDown() {
        root.detachAppender(logs);
        sourceLogger.setLevel(null);
        loop.shutdownNow();
    }

    private String log() {
        return String.join("\n", logs.list.stream().map(e -> e.getFormattedMessage()
                + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage())).toList());
    }

    private static List<String> names(SourceSnapshot snapshot) {
        return snapshot.results().stream().map(r -> r.file().getFileName().toString()).toList();
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private static void mkfifo(Path p) throws Exception {
        Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        assertThat(mk.waitFor()).isZero();
    }

    @Test
    void namesWithSpacesAndUnicodeAreReadAndTwoFilesWithOnePodKeepTheFirstInSortedOrder() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            Files.writeString(dir.resolve("my web pod.yaml"), POD.formatted("web"));
            Files.writeString(dir.resolve("ωmega.yaml"), POD.formatted("web"));
            Files.writeString(dir.resolve("café.yaml"), POD.formatted("cafe"));

            SourceSnapshot snapshot = source.scan();
            assertThat(names(snapshot)).containsExactly("café.yaml", "my web pod.yaml", "ωmega.yaml");
            assertThat(snapshot.results()).allMatch(r -> r instanceof ParseResult.Parsed);

            DesiredState state = new DesiredState();
            state.apply(snapshot);
            assertThat(state.pods().get(new PodKey("default", "web-n1")).file()).isEqualTo(dir.resolve("my web pod.yaml"));
            assertThat(log()).contains("Duplicate static pod name", "file=" + dir.resolve("ωmega.yaml"),
                    "winner=" + dir.resolve("my web pod.yaml"));
        });
    }

    @Test
    void aFifoNeverBlocksTheScanOrValidateAndIsNamedOnce() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            mkfifo(dir.resolve("pipe.yaml"));
            Files.writeString(dir.resolve("web.yaml"), POD.formatted("web"));

            assertThat(names(source.scan())).containsExactly("web.yaml");
            assertThat(names(source.scan())).containsExactly("web.yaml");
            assertThat(logs.list).filteredOn(e -> e.getFormattedMessage().contains("pipe.yaml")).singleElement()
                    .satisfies(e -> assertThat(e.getFormattedMessage()).contains("special file"));

            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            int code = io.staticpod.agent.cli.Commands.run(new String[]{"validate", "--hostname-override", "n1",
                    dir.toString()}, new java.io.PrintStream(out, true), new java.io.PrintStream(out, true));
            assertThat(code).isZero();
            assertThat(out.toString()).contains(dir.resolve("pipe.yaml") + ": skipped: not a regular file");
        });
    }

    @Test
    void aSparseGibibyteFileIsRefusedWithoutBeingRead() throws Exception {
        Path huge = dir.resolve("huge.yaml");
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(1L << 30);
        }
        WatchdogReader reader = new WatchdogReader(new ManifestReader("n1")::parse);
        ManifestFiles.readAndParse(dir.resolve("missing.yaml"), reader); // warm up

        long before = allocated();
        long start = System.nanoTime();
        ParseResult result = ManifestFiles.readAndParse(huge, reader);
        SourceSnapshot snapshot = source.scan();
        long allocated = allocated() - before;

        assertThat(allocated).as("bytes allocated").isLessThan(4L << 20);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        for (ParseResult r : List.of(result, snapshot.results().get(0))) {
            assertThat(r).isInstanceOfSatisfying(ParseResult.Invalid.class, i -> assertThat(i.errors().get(0)
                    .toString()).isEqualTo(huge + ": file is 1073741824 bytes, larger than the limit of 10485760 bytes"
                    + " (10 MiB); it was not read"));
        }
    }

    @Test
    void aLinkToAFileThatIsNoManifestNeverPutsItsContentInTheLogOrTheValidateOutput() throws Exception {
        Path shadow = Files.writeString(elsewhere.resolve("shadow"), SHADOW);
        Files.createSymbolicLink(dir.resolve("shadow.yaml"), shadow);
        Path key = Files.writeString(elsewhere.resolve("key.pem"),
                "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0s3cr3t\n-----END PRIVATE KEY-----\n");
        Files.createSymbolicLink(dir.resolve("key.yaml"), key);
        Files.writeString(dir.resolve("env"), "DB_PASSWORD=s3cr3t\n");

        SourceSnapshot snapshot = source.scan();
        new DesiredState().apply(snapshot);

        assertThat(snapshot.results()).hasSize(3).allSatisfy(r -> assertThat(r)
                .isInstanceOfSatisfying(ParseResult.Invalid.class, i -> assertThat(i.errors()).singleElement()
                        .satisfies(p -> assertThat(p.message()).startsWith("not a Pod manifest"))));
        assertThat(log()).contains("shadow.yaml", "key.yaml", "not a Pod manifest");
        assertThat(log().toLowerCase()).doesNotContain("s3cr3t", "hash", "99999", "miie", "private", "password");

        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        io.staticpod.agent.cli.Commands.run(new String[]{"validate", "--hostname-override", "n1", dir.toString()},
                new java.io.PrintStream(out, true), new java.io.PrintStream(out, true));
        assertThat(out.toString()).contains("shadow.yaml:1: not a Pod manifest");
        assertThat(out.toString().toLowerCase()).doesNotContain("s3cr3t", "hash", "99999", "miie", "private",
                "password");
    }

    @Test
    void linksToRegularFilesAreFollowedAndBrokenOrDirectoryLinksAreSkippedAndNamedOnce() throws Exception {
        Path target = Files.writeString(elsewhere.resolve("real.yaml"), POD.formatted("linked"));
        Files.createSymbolicLink(dir.resolve("linked.yaml"), target);
        Files.createSymbolicLink(dir.resolve("dangling.yaml"), elsewhere.resolve("gone.yaml"));
        Files.createSymbolicLink(dir.resolve("dirlink"), elsewhere);

        SourceSnapshot first = source.scan();
        source.scan();

        assertThat(names(first)).containsExactly("linked.yaml");
        assertThat(first.results().get(0)).isInstanceOfSatisfying(ParseResult.Parsed.class,
                p -> assertThat(p.pod().file()).isEqualTo(dir.resolve("linked.yaml")));
        assertThat(logs.list).filteredOn(e -> e.getFormattedMessage().contains("dangling.yaml")).singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage()).contains("symbolic link", "cannot be read"));
        assertThat(logs.list).filteredOn(e -> e.getFormattedMessage().contains("dirlink")).singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage()).contains("Not recursing"));
    }

    @Test
    void strictModeRefusesEveryManifestOfADirectoryOthersCanWrite() throws Exception {
        Files.writeString(dir.resolve("a.yaml"), POD.formatted("a"));
        Files.writeString(dir.resolve("b.yaml"), POD.formatted("b"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThat(source.scan().results()).allMatch(r -> r instanceof ParseResult.Parsed);
        assertThat(log()).contains("writable by others than root", "everyone can write it");

        source.strictPermissions(true);
        SourceSnapshot snapshot = source.scan();
        assertThat(snapshot.results()).hasSize(2).allSatisfy(r -> assertThat(r)
                .isInstanceOfSatisfying(ParseResult.Invalid.class, i -> assertThat(i.errors()).singleElement()
                        .satisfies(p -> assertThat(p.toString()).isEqualTo(r.file() + ": refused by"
                                + " strictManifestPermissions: the directory " + dir + " is writable by others than"
                                + " root: everyone can write it (owner root, group root, mode rwxrwxrwx); make it"
                                + " owned by root and not group- or world-writable (chown root:root, chmod go-w)"))));

        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(source.scan().results()).allMatch(r -> r instanceof ParseResult.Parsed);
    }

    @Test
    void strictModeRefusesAManifestWritableByItsGroupOrByAnotherOwnerAndKeepsTheOthers() throws Exception {
        assumeTrue(System.getProperty("user.name").equals("root"), "chown takes root");
        Files.writeString(dir.resolve("good.yaml"), POD.formatted("good"));
        Path groupWritable = Files.writeString(dir.resolve("group.yaml"), POD.formatted("group"));
        Path nobodys = Files.writeString(dir.resolve("nobody.yaml"), POD.formatted("nobody"));
        var lookup = dir.getFileSystem().getUserPrincipalLookupService();
        Files.setAttribute(groupWritable, "posix:group", lookup.lookupPrincipalByGroupName("nogroup"));
        Files.setPosixFilePermissions(groupWritable, PosixFilePermissions.fromString("rw-rw-r--"));
        UserPrincipal nobody = lookup.lookupPrincipalByName("nobody");
        Files.setOwner(nobodys, nobody);
        Files.setPosixFilePermissions(nobodys, PosixFilePermissions.fromString("rw-r--r--"));
        source.strictPermissions(true);

        SourceSnapshot snapshot = source.scan();

        assertThat(snapshot.results().get(0)).isInstanceOf(ParseResult.Parsed.class);
        assertThat(snapshot.results().get(1)).isInstanceOfSatisfying(ParseResult.Invalid.class,
                i -> assertThat(i.errors().get(0).message()).contains("the manifest " + groupWritable,
                        "the group nogroup can write it (owner root, group nogroup, mode rw-rw-r--)"));
        assertThat(snapshot.results().get(2)).isInstanceOfSatisfying(ParseResult.Invalid.class,
                i -> assertThat(i.errors().get(0).message()).contains("the manifest " + nobodys,
                        "its owner nobody can write it"));

        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int code = io.staticpod.agent.cli.Commands.run(new String[]{"validate", "--hostname-override", "n1",
                "--strict-manifest-permissions", dir.toString()}, new java.io.PrintStream(out, true),
                new java.io.PrintStream(out, true));
        assertThat(code).isEqualTo(1);
        assertThat(out.toString()).contains(groupWritable + ": refused by strictManifestPermissions",
                nobodys + ": refused by strictManifestPermissions", "3 files checked for node n1: 1 valid, 2 invalid");
    }
}
