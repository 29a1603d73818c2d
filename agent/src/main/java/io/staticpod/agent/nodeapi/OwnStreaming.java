package io.staticpod.agent.nodeapi;

import io.staticpod.agent.nodeapi.exec.StreamServer;
import io.staticpod.runtime.spi.ExecStreams;
import io.staticpod.runtime.spi.PodSandboxes;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.SandboxStatus;
import io.staticpod.runtime.spi.StreamingUrls;

import java.net.URI;

/**
 * {@link Streaming} on the agent's own {@link StreamServer}, for a runtime without a streaming server whose {@link
 * ExecStreams} runs commands with their input and output streamed (the Docker Engine API): exec of the running
 * instance of the container, with stdin, stdout, stderr and a terminal as asked (as the kubelet does, no stderr with a
 * terminal); attach to the running instance's own output (the agent gives no container stdin or a terminal, so
 * input is dropped, as a runtime drops it for such a container); port-forward of a pod with a ready sandbox, to its
 * loopback from inside its network namespace as the kubelet does (where the agent cannot enter namespaces: to its IP
 * address; the node's loopback for a host-network pod).
 */
final class OwnStreaming implements Streaming {
    private final StreamServer server;
    private final PodSandboxes sandboxes;

    OwnStreaming(ExecStreams streams, PodSandboxes sandboxes) {
        this.server = new StreamServer(streams);
        this.sandboxes = sandboxes;
    }

    @Override
    public URI url(Request request) {
        String podName = request.pod().pod().key().name();
        if (request.kind() == Kind.PORT_FORWARD) {
            String sandbox = request.pod().live().readySandbox().orElseThrow(() -> new RuntimeError.NotFound(
                    "pod \"" + podName + "\" has no ready sandbox to forward ports into"));
            StreamingUrls.checkedPorts(request.ports());
            boolean hostNetwork = request.pod().pod().pod().spec().hostNetwork();
            String netns = null;
            String address = "127.0.0.1";
            if (!hostNetwork) {
                netns = sandboxes.status(sandbox).map(SandboxStatus::netns).orElse(null);
                address = request.pod().status() == null ? null : request.pod().status().podIP();
                address = address == null || address.isEmpty() ? null : address;
                if (netns == null && address == null) {
                    throw new RuntimeError.NotFound("pod \"" + podName + "\" has neither a network namespace nor an"
                            + " IP address to forward ports to");
                }
            }
            try {
                return server.forward(podName, request.pod().pod().uid(), netns, address);
            } catch (IllegalStateException e) {
                throw new RuntimeError.Unavailable(e.getMessage(), e);
            }
        }
        String container = request.pod().runningContainerId(request.container()).orElseThrow(() ->
                new RuntimeError.NotFound("container \"" + request.container() + "\" in pod \"" + podName
                        + "\" is not running"));
        try {
            if (request.kind() == Kind.ATTACH) {
                return server.attach(container, request.stdin(), request.stdout(), request.stderr());
            }
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
