package io.staticpod.agent.nodeapi;

import io.staticpod.agent.nodeapi.exec.ExecServer;
import io.staticpod.runtime.spi.ExecStreams;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.StreamingUrls;

import java.net.URI;

/**
 * {@link Streaming} on the agent's own {@link ExecServer}, for a runtime without a streaming server whose {@link
 * ExecStreams} runs commands with their input and output streamed (the Docker Engine API): exec of the running
 * instance of the container, with stdin, stdout, stderr and a terminal as asked (as the kubelet does, no stderr with a
 * terminal). Not served (501, saying so): attach and port-forward.
 */
final class OwnStreaming implements Streaming {
    private final String runtime;
    private final ExecServer server;

    OwnStreaming(String runtime, ExecStreams streams) {
        this.runtime = runtime;
        this.server = new ExecServer(streams);
    }

    @Override
    public URI url(Request request) {
        if (request.kind() != Kind.EXEC) {
            throw new StaticPodLogs.Unsupported((request.kind() == Kind.ATTACH ? "attach" : "port-forward")
                    + " is not served for runtime " + runtime + " by this agent (exec is); all three are with a"
                    + " runtime that has a streaming server of its own (--runtime containerd or --runtime cri)");
        }
        String podName = request.pod().pod().key().name();
        String container = request.pod().runningContainerId(request.container()).orElseThrow(() ->
                new RuntimeError.NotFound("container \"" + request.container() + "\" in pod \"" + podName
                        + "\" is not running"));
        try {
            return server.exec(container, StreamingUrls.checkedCommand(request.command()), request.stdin(),
                    request.stdout(), request.stderr(), request.tty());
        } catch (IllegalStateException e) {
            throw new RuntimeError.Unavailable(e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
