package io.staticpod.runtime.cri;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.staticpod.runtime.cri.proto.Cri;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.StreamingUrls;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.function.Supplier;

/**
 * Stream URLs through CRI's {@code Exec}, {@code Attach} and {@code PortForward}: one short call each (deadline
 * {@link CriSettings#callTimeout()}), answered by the runtime with a URL on its streaming server (containerd: its CRI
 * settings {@code stream_server_address} and {@code stream_server_port}). The runtime refuses a stream into a
 * container that is not running with a message of its own ({@code container is in CONTAINER_EXITED state}, code
 * {@code UNKNOWN}), so after any refusal the container's (or sandbox's) state is looked at once: not running is
 * {@link RuntimeError.NotFound}, as the SPI says. A URL is never put in a message or a log line: its path is the
 * token that grants the stream.
 */
final class CriStreaming implements StreamingUrls {
    private final CriCalls calls;
    private final CriContainers containers;
    private final CriSandboxes sandboxes;

    CriStreaming(CriCalls calls, CriContainers containers, CriSandboxes sandboxes) {
        this.calls = calls;
        this.containers = containers;
        this.sandboxes = sandboxes;
    }

    @Override
    public URI exec(String containerId, List<String> command, StreamOptions options) {
        Cri.ExecRequest request = execRequest(containerId, command, options);
        return url("Exec", containerId, () -> calls.runtimeRaw(calls.callTimeout(), s -> s.exec(request)).getUrl(),
                () -> containerRunning(containerId), "the container is not running");
    }

    @Override
    public URI attach(String containerId, StreamOptions options) {
        Cri.AttachRequest request = attachRequest(containerId, options);
        return url("Attach", containerId, () -> calls.runtimeRaw(calls.callTimeout(), s -> s.attach(request)).getUrl(),
                () -> containerRunning(containerId), "the container is not running");
    }

    @Override
    public URI portForward(String sandboxId, List<Integer> ports) {
        Cri.PortForwardRequest request = portForwardRequest(sandboxId, ports);
        return url("PortForward", sandboxId,
                () -> calls.runtimeRaw(calls.callTimeout(), s -> s.portForward(request)).getUrl(),
                () -> sandboxes.status(sandboxId).map(s -> s.sandbox().ready()).orElse(false),
                "the sandbox is not ready");
    }

    static Cri.ExecRequest execRequest(String containerId, List<String> command, StreamOptions options) {
        return Cri.ExecRequest.newBuilder().setContainerId(containerId)
                .addAllCmd(StreamingUrls.checkedCommand(command)).setTty(options.tty()).setStdin(options.stdin())
                .setStdout(options.stdout()).setStderr(options.stderr()).build();
    }

    static Cri.AttachRequest attachRequest(String containerId, StreamOptions options) {
        return Cri.AttachRequest.newBuilder().setContainerId(containerId).setTty(options.tty())
                .setStdin(options.stdin()).setStdout(options.stdout()).setStderr(options.stderr()).build();
    }

    static Cri.PortForwardRequest portForwardRequest(String sandboxId, List<Integer> ports) {
        return Cri.PortForwardRequest.newBuilder().setPodSandboxId(sandboxId)
                .addAllPort(StreamingUrls.checkedPorts(ports)).build();
    }

    private URI url(String call, String subject, Supplier<String> ask, Supplier<Boolean> running, String notRunning) {
        String answer;
        try {
            answer = ask.get();
        } catch (StatusRuntimeException e) {
            Status.Code code = e.getStatus().getCode();
            if (code != Status.Code.NOT_FOUND && code != Status.Code.UNAVAILABLE
                    && code != Status.Code.DEADLINE_EXCEEDED && !running.get()) {
                throw new RuntimeError.NotFound(calls.errors().describe(call, subject, e.getStatus())
                        + " (" + notRunning + ")");
            }
            throw calls.errors().map(call, subject, e);
        }
        return checkedUrl(call, subject, answer);
    }

    private boolean containerRunning(String containerId) {
        return containers.rawStatus(containerId)
                .map(c -> c.getState() == Cri.ContainerState.CONTAINER_RUNNING).orElse(false);
    }

    /** The runtime's answer as an absolute http(s) URL; what is wrong with it is named without quoting it. */
    URI checkedUrl(String call, String subject, String answer) {
        try {
            URI uri = new URI(answer);
            String scheme = uri.getScheme();
            if (("http".equals(scheme) || "https".equals(scheme)) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // named below
        }
        throw new RuntimeError.Refused("CRI " + call + " " + subject + " at " + calls.errors().endpoint()
                + " answered no absolute http(s) URL (" + answer.length() + " characters, not shown: a stream token)",
                null);
    }
}
