package io.staticpod.runtime.cri;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.staticpod.runtime.cri.proto.Cri;
import io.staticpod.runtime.spi.ExecSync;
import io.staticpod.runtime.spi.RuntimeError;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Exec probes through CRI's {@code ExecSync}. The runtime ends the command itself when its timeout passes (the CRI's
 * timeout is whole seconds: a fraction is rounded up) and answers {@code DEADLINE_EXCEEDED}; our own deadline is the
 * timeout plus {@link CriSettings#stopMargin()}. Output: the first {@value #MAX_OUTPUT_BYTES} bytes of stdout, then of
 * stderr.
 */
final class CriExec implements ExecSync {
    static final int MAX_OUTPUT_BYTES = 8 * 1024;
    private final CriCalls calls;
    private final CriContainers containers;

    CriExec(CriCalls calls, CriContainers containers) {
        this.calls = calls;
        this.containers = containers;
    }

    @Override
    public ExecResult exec(String containerId, List<String> command, Duration timeout) {
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        Cri.ExecSyncRequest request = Cri.ExecSyncRequest.newBuilder().setContainerId(containerId)
                .addAllCmd(command).setTimeout(seconds).build();
        Cri.ExecSyncResponse answer;
        try {
            answer = calls.runtimeRaw(Duration.ofSeconds(seconds).plus(calls.settings().stopMargin()),
                    s -> s.execSync(request));
        } catch (StatusRuntimeException e) {
            Status.Code code = e.getStatus().getCode();
            if (code == Status.Code.DEADLINE_EXCEEDED) {
                return new ExecResult(-1, "command timed out after " + seconds + "s", true);
            }
            if (code != Status.Code.NOT_FOUND && code != Status.Code.UNAVAILABLE
                    && containers.rawStatus(containerId).map(c -> c.getState() != Cri.ContainerState.CONTAINER_RUNNING)
                    .orElse(true)) {
                throw new RuntimeError.NotFound(calls.errors().describe("ExecSync", containerId, e.getStatus())
                        + " (the container is not running)");
            }
            throw calls.errors().map("ExecSync", containerId, e);
        }
        return new ExecResult(answer.getExitCode(), text(answer.getStdout()) + text(answer.getStderr()), false);
    }

    private static String text(ByteString bytes) {
        ByteString cut = bytes.size() > MAX_OUTPUT_BYTES ? bytes.substring(0, MAX_OUTPUT_BYTES) : bytes;
        return cut.toString(StandardCharsets.UTF_8);
    }
}
