package io.staticpod.agent.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ValidateCommandTest {
    static final String GOOD = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: %s
            spec:
              containers:
              - name: app
                image: busybox
            """;
    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "validate";
        System.arraycopy(args, 0, all, 1, args.length);
        return Commands.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aGoodDirectoryIsValidAndLeftoversAreSkippedAsTheAgentSkipsThem() throws Exception {
        Files.writeString(dir.resolve("a.yaml"), GOOD.formatted("a"));
        Files.writeString(dir.resolve("b.manifest"), GOOD.formatted("b"));
        Files.writeString(dir.resolve("b.manifest~"), "not: a pod");
        Files.writeString(dir.resolve(".hidden"), "not: a pod");
        Files.createDirectory(dir.resolve("sub"));

        assertThat(run("--hostname-override", "Node-1", dir.toString())).isEqualTo(0);

        assertThat(out()).contains(dir.resolve("a.yaml") + ": ok: static pod default/a-node-1 uid=")
                .contains(dir.resolve("b.manifest") + ": ok: static pod default/b-node-1")
                .contains(dir.resolve("b.manifest~") + ": skipped: an editor or package-manager leftover")
                .contains(dir.resolve("sub") + ": skipped: a sub-directory")
                .doesNotContain(".hidden")
                .contains("2 files checked for node node-1: 2 valid, 0 invalid, 0 errors, 0 warnings, 2 skipped");
    }

    @Test
    void aBadFileNamesFileLineAndFieldAndExitsOne() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: bad
                spec:
                  restartPolicy: Sometimes
                  containers:
                  - name: app
                    imagePullPolicy: Always
                    colour: blue
                """);

        assertThat(run("--hostname-override=n1", bad.toString())).isEqualTo(1);

        assertThat(out()).contains(bad + ":6: spec.restartPolicy: ")
                .contains("spec.containers[0].image")
                .contains(bad + ":10: spec.containers[0].colour: warning: ")
                .contains("1 file checked for node n1: 0 valid, 1 invalid");
    }

    @Test
    void twoFilesWithOnePodAreAnErrorNamingTheWinner() throws Exception {
        Files.writeString(dir.resolve("a.yaml"), GOOD.formatted("same"));
        Files.writeString(dir.resolve("b.yaml"), GOOD.formatted("same"));

        assertThat(run("--hostname-override", "n1", dir.toString())).isEqualTo(1);

        assertThat(out()).contains(dir.resolve("b.yaml") + ": metadata.name: duplicate static pod default/same-n1: "
                + dir.resolve("a.yaml") + " defines it first");
    }

    @Test
    void aNamedFileTheAgentWouldSkipIsCheckedWithAWarning() throws Exception {
        Path backup = dir.resolve("web.yaml.bak");
        Files.writeString(backup, GOOD.formatted("web"));
        assertThat(run("--hostname-override", "n1", backup.toString())).isEqualTo(0);
        assertThat(out()).contains(backup + ": warning: the agent does not read a file of this name");
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(run()).isEqualTo(2);
        assertThat(run("--bogus", "x")).isEqualTo(2);
        assertThat(run("--hostname-override", "Not_A_Name!", dir.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown flag --bogus");
    }

    @Test
    void aMissingPathIsAnError() {
        assertThat(run("--hostname-override", "n1", dir.resolve("nope.yaml").toString())).isEqualTo(1);
        assertThat(out()).contains("nope.yaml: no such file or directory");
    }

    @Test
    void aManifestThatMergesItselfIsReportedWithItsLineAndAnchorAndValidateReturns() throws Exception {
        Path file = Files.writeString(dir.resolve("selfmerge.yaml"), """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: selfmerge
                  labels: &lbl
                    <<: *lbl
                spec:
                  containers:
                  - name: a
                    image: busybox:latest
                """);
        Files.writeString(dir.resolve("web.yaml"), GOOD.formatted("web"));

        int code = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                () -> run("--hostname-override", "node-1", dir.toString()));

        assertThat(code).isEqualTo(1);
        assertThat(out()).contains(file + ":6: metadata.labels: alias *lbl refers to the mapping that contains it"
                        + " (a cycle)")
                .contains(dir.resolve("web.yaml") + ": ok: static pod default/web-node-1")
                .contains("2 files checked for node node-1: 1 valid, 1 invalid, 1 error, 0 warnings");
    }
}
