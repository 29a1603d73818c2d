package io.staticpod.runtime.ctr;

import io.staticpod.runtime.exec.CommandException;
import io.staticpod.runtime.exec.CommandResult;
import io.staticpod.runtime.spi.RuntimeError;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static io.staticpod.runtime.exec.FakeCommandRunner.resource;
import static org.assertj.core.api.Assertions.assertThat;

/** Every ctr failure becomes one typed {@link RuntimeError}, decided here and only here. */
class CtrErrorsTest {

    static CommandResult failed(String stderr) {
        return new CommandResult(List.of("ctr", "--env", "A=secret", "x"), 1, "", stderr);
    }

    @Test
    void missingThingsAreNotFoundMissingImagesImageUnavailableAndAnUnreachableContainerdUnavailable() {
        assertThat(CtrErrors.failure("w", failed(resource("containerd/info-missing.stderr"))))
                .isInstanceOf(RuntimeError.NotFound.class);
        assertThat(CtrErrors.failure("w", failed(resource("ctr/tasks-delete-force-no-task.stderr"))))
                .isInstanceOf(RuntimeError.NotFound.class);
        assertThat(CtrErrors.failure("w", failed(resource("containerd/run-missing-image.stderr"))))
                .isInstanceOf(RuntimeError.ImageUnavailable.class);
        assertThat(CtrErrors.failure("w", failed("ctr: failed to dial \"/x.sock\": context deadline exceeded\n")))
                .isInstanceOf(RuntimeError.Unavailable.class);
        assertThat(CtrErrors.failure("w", failed("ctr: connection error: desc = \"transport: x\": unavailable\n")))
                .isInstanceOf(RuntimeError.Unavailable.class);
        assertThat(CtrErrors.failure("w", failed("ctr: context deadline exceeded\n")))
                .isInstanceOf(RuntimeError.TimedOut.class);
    }

    @Test
    void everythingElseIsRefusedWithWhatWasAskedTheCommandAndCtrsAnswerButNoEnvironmentValue() {
        RuntimeError error = CtrErrors.failure("start container c1", failed(resource("ctr/tasks-start-nonexistent.stderr")));

        assertThat(error).isInstanceOf(RuntimeError.Refused.class);
        assertThat(error.getMessage()).startsWith("start container c1: `ctr --env A=… x` failed with exit code 1: ")
                .contains("stat /nonexistent: no such file or directory").doesNotContain("secret");
        assertThat(CtrErrors.isAlreadyExists(failed("ctr: task x: already exists\n"))).isTrue();
    }

    @Test
    void aCtrThatCannotRunIsUnavailableAndOneKilledAtItsDeadlineTimedOut() {
        CommandException missing = new CommandException("cannot run `ctr`: No such file", List.of("ctr"), -1, "",
                new IOException("No such file"));
        CommandException hung = new CommandException("`ctr` did not finish within PT30S and was killed",
                List.of("ctr"), -1, "", null);

        assertThat(CtrErrors.failure("w", missing)).isInstanceOf(RuntimeError.Unavailable.class)
                .hasMessageContaining("installed");
        assertThat(CtrErrors.failure("w", hung)).isInstanceOf(RuntimeError.TimedOut.class)
                .hasMessageContaining("did not finish");
    }
}
