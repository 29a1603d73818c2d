package io.staticpod.runtime.ctr;

import io.staticpod.runtime.exec.CommandException;
import io.staticpod.runtime.exec.CommandResult;
import io.staticpod.runtime.spi.ExecSync;
import io.staticpod.runtime.spi.RuntimeError;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code ctr tasks exec}: runs a command in a running container's task and waits for it (exec probes). ctr exits
 * with the command's exit status; a command that cannot be started in the container (not found, not executable) is
 * reported as Docker reports it, 127 or 126, with ctr's words as the output. A command still running at the
 * deadline is a timed-out result: ctr is killed, the process in the container may go on (containerd 1.6 offers no
 * way to end it).
 */
final class CtrExec implements ExecSync {

    /** At most this many bytes of stdout, and of stderr, are kept. */
    static final int MAX_OUTPUT_BYTES = 4096;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final CtrCli cli;
    private final Supplier<String> execIds;

    CtrExec(CtrCli cli) {
        this(cli, () -> "probe-" + HexFormat.of().formatHex(randomBytes()));
    }

    CtrExec(CtrCli cli, Supplier<String> execIds) {
        this.cli = cli;
        this.execIds = execIds;
    }

    @Override
    public ExecResult exec(String containerId, List<String> command, Duration timeout) {
        String what = "exec in container " + containerId;
        List<String> args = new ArrayList<>(List.of("tasks", "exec", "--exec-id", execIds.get(), "--", containerId));
        args.addAll(command);
        CommandResult result;
        try {
            result = cli.runArgv(cli.argv(args), timeout);
        } catch (CommandException e) {
            RuntimeError error = CtrErrors.failure(what, e);
            if (error instanceof RuntimeError.TimedOut) {
                return new ExecResult(-1, "the command did not finish within " + timeout, true);
            }
            throw error;
        }
        if (!result.succeeded()) {
            String line = CtrErrors.errorLine(result);
            if (CtrErrors.isNotFound(result) || line.contains("cannot exec in a stopped state")) {
                throw new RuntimeError.NotFound(what + ": the container does not exist or does not run: " + line);
            }
            if (CtrErrors.isUnreachable(result)) {
                throw CtrErrors.failure(what, result);
            }
            if (line.startsWith("ctr: OCI runtime exec failed")) {
                int code = line.contains("not found") || line.contains("no such file") ? 127 : 126;
                return new ExecResult(code, cap(result.stdout()) + cap(result.stderr()), false);
            }
        }
        return new ExecResult(result.exitCode(), cap(result.stdout()) + cap(result.stderr()), false);
    }

    private static String cap(String output) {
        byte[] bytes = output.getBytes(StandardCharsets.UTF_8);
        return bytes.length <= MAX_OUTPUT_BYTES ? output
                : new String(bytes, 0, MAX_OUTPUT_BYTES, StandardCharsets.UTF_8) + "… (cut)";
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
