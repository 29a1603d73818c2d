package io.staticpod.runtime.exec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The real process seam, with real processes ({@code sh} is on every machine this runs on). */
class ProcessCommandRunnerTest {

    final ProcessCommandRunner runner = new ProcessCommandRunner();

    @Test
    void capturesStdoutStderrAndTheExitCode() {
        CommandResult result = runner.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), Duration.ofSeconds(10));

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stdout()).isEqualTo("out\n");
        assertThat(result.stderr()).isEqualTo("err\n");
        assertThatThrownBy(result::orThrow).isInstanceOf(CommandException.class)
                .hasMessage("`sh -c 'echo out; echo err >&2; exit 3'` failed with exit code 3: err");
    }

    @Test
    void drainsBigOutputOnBothStreamsWithoutDeadlock() {
        String script = "i=0; while [ $i -lt 2000 ]; do "
                + "echo 0123456789012345678901234567890123456789012345678901234567890123456789; "
                + "echo 0123456789012345678901234567890123456789012345678901234567890123456789 >&2; "
                + "i=$((i+1)); done";

        CommandResult result = runner.run(List.of("sh", "-c", script), Duration.ofSeconds(30));

        assertThat(result.stdout()).hasSize(2000 * 71);
        assertThat(result.stderr()).hasSize(2000 * 71);
    }

    @Test
    void neverPassesStdinToTheChild() {
        CommandResult result = runner.run(List.of("cat"), Duration.ofSeconds(10));

        assertThat(result.succeeded()).isTrue();
        assertThat(result.stdout()).isEmpty();
    }

    @Test
    void killsTheProcessTreeOnTimeout(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("pid");
        List<String> argv = List.of("sh", "-c", "sleep 60 & echo $! > " + pidFile + "; echo started >&2; wait");

        assertThatThrownBy(() -> runner.run(argv, Duration.ofMillis(500)))
                .isInstanceOf(CommandException.class)
                .hasMessageContaining("did not finish within PT0.5S and was killed");

        long grandchild = Long.parseLong(Files.readString(pidFile).strip());
        await().atMost(Duration.ofSeconds(5))
                .until(() -> ProcessHandle.of(grandchild).map(ProcessHandle::isAlive).orElse(false), alive -> !alive);
    }

    @Test
    void aMissingProgramIsACommandExceptionNamingIt() {
        assertThatThrownBy(() -> runner.run(List.of("no-such-docker-binary", "version"), Duration.ofSeconds(5)))
                .isInstanceOf(CommandException.class)
                .hasMessageContaining("cannot run `no-such-docker-binary version`");
    }

    @Test
    void extraEnvironmentReachesTheChildAndNoValueIsEverQuoted() {
        CommandResult result = runner.run(List.of("sh", "-c", "printf '%s|%s' \"$A\" \"$PATH\"; exit 2"),
                java.util.Map.of("A", "multi\nline s3cr3t"), Duration.ofSeconds(10));

        assertThat(result.stdout()).startsWith("multi\nline s3cr3t|/"); // the rest of the environment is inherited
        assertThatThrownBy(result::orThrow).hasMessageNotContaining("s3cr3t");
        assertThatThrownBy(() -> runner.run(List.of("true"), java.util.Map.of("A", "x\0s3cr3t"), Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("A").hasMessageNotContaining("s3cr3t");
    }

    @Test
    void envArgumentsAreRedactedWhereverACommandIsQuoted() {
        List<String> argv = List.of("docker", "run", "-e", "A=s3cr3t x", "-e", "NAME", "--env", "B=", "--env=C=s3cr3t",
                "--label", "l=v", "img", "sh");

        assertThat(CommandException.quote(argv)).isEqualTo("docker run -e A=… -e NAME --env B=… --env=C=… --label l=v img sh");
        assertThat(CommandException.failed(new CommandResult(argv, 1, "", "no")).argv()).noneMatch(a -> a.contains("s3cr3t"));
    }

    @Test
    void anEnvFileIsPrivateAndGoneWhenClosed() throws Exception {
        Path file;
        try (EnvFile envFile = EnvFile.write(List.of("A=b c", "D="))) {
            file = envFile.path();
            assertThat(Files.readString(file)).isEqualTo("A=b c\nD=\n");
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .isEqualTo("rw-------");
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        }
        assertThat(file).doesNotExist();
        assertThat(file.getParent()).doesNotExist();
        assertThat(EnvFile.fits("my.dotted-name", "x = \"'$(y)")).isTrue();
        assertThat(EnvFile.fits("A", "a\nb")).isFalse();
        assertThat(EnvFile.fits("A", "a\r")).isFalse();
        assertThat(EnvFile.fits("A", "x".repeat(EnvFile.MAX_LINE_BYTES))).isFalse();
    }
}
