package io.staticpod.runtime.ctr;

import io.staticpod.runtime.exec.CommandException;
import io.staticpod.runtime.exec.FakeCommandRunner;
import io.staticpod.runtime.spi.ExecSync.ExecResult;
import io.staticpod.runtime.spi.RuntimeError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.staticpod.runtime.ctr.CtrFixture.APP;
import static io.staticpod.runtime.ctr.CtrFixture.SOCKET;
import static io.staticpod.runtime.ctr.CtrFixture.ctr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Exec probes through {@code ctr tasks exec}. */
class CtrExecTest {

    final FakeCommandRunner runner = new FakeCommandRunner();
    final CtrExec exec = new CtrExec(new CtrCli(runner, "ctr", SOCKET, "spa"), () -> "probe-1");

    @AfterEach
    void everyScriptedCommandRan() {
        runner.assertAllCalled();
    }

    String[] execArgv(String... command) {
        List<String> argv = new java.util.ArrayList<>(List.of(ctr("tasks", "exec", "--exec-id", "probe-1", "--", APP)));
        argv.addAll(List.of(command));
        return argv.toArray(String[]::new);
    }

    @Test
    void theCommandsExitCodeAndOutputComeBackAndItsDashesAreNotTakenForCtrFlags() {
        runner.expect(execArgv("sh", "-c", "echo out; echo err >&2; exit 3")).returns(3, "out\n", "err\n");

        ExecResult result = exec.exec(APP, List.of("sh", "-c", "echo out; echo err >&2; exit 3"), Duration.ofSeconds(2));

        assertThat(result).isEqualTo(new ExecResult(3, "out\nerr\n", false));
        assertThat(runner.calls().get(0).timeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aCommandTheContainerDoesNotHaveIs127WithCtrsWords() {
        runner.expect(execArgv("nothere")).fails(1, FakeCommandRunner.resource("ctr/exec-not-found.stderr"));

        ExecResult result = exec.exec(APP, List.of("nothere"), Duration.ofSeconds(2));

        assertThat(result.exitCode()).isEqualTo(127);
        assertThat(result.output()).contains("executable file not found");
    }

    @Test
    void aMissingOrStoppedContainerIsNotFound() {
        runner.expect(execArgv("true")).fails(1, "ctr: container \"" + APP + "\" in namespace \"spa\": not found\n");
        runner.expect(execArgv("true")).fails(1, "ctr: cannot exec in a stopped state: unknown\n");

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> exec.exec(APP, List.of("true"), Duration.ofSeconds(2)))
                    .isInstanceOf(RuntimeError.NotFound.class).hasMessageContaining("exec in container " + APP);
        }
    }

    @Test
    void aCommandStillRunningAtItsDeadlineIsATimedOutResult() {
        runner.expect(execArgv("sleep", "9")).throwsException(new CommandException(
                "`ctr ...` did not finish within PT1S and was killed", List.of("ctr"), -1, "", null));

        assertThat(exec.exec(APP, List.of("sleep", "9"), Duration.ofSeconds(1)).timedOut()).isTrue();
    }

    @Test
    void longOutputIsCutToAFewKilobytesOfEachStream() {
        runner.expect(execArgv("yes")).returns(0, "y\n".repeat(10_000), "e".repeat(10_000));

        ExecResult result = exec.exec(APP, List.of("yes"), Duration.ofSeconds(1));

        assertThat(result.output()).hasSizeLessThan(2 * CtrExec.MAX_OUTPUT_BYTES + 20).contains("… (cut)");
    }
}
