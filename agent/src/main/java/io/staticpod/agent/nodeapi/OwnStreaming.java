package io.staticpod.agent.nodeapi;

import io.staticpod.agent.nodeapi.exec.StreamServer;
import io.staticpod.runtime.spi.ExecStreams;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.StreamingUrls;

import java.net.URI;

/**
 * {@link Streaming} on the agent's own {@link StreamServer}, for a runtime without a streaming server whose {@link
 * ExecStreams} runs commands with their input and output streamed (the Docker Engine API): exec of the running
 * instance of the container, with stdin, stdout, stderr and a terminal as asked (as the kubelet does, no stderr with a
 * terminal); port-forward of a pod with a ready sandbox, to its IP address (the node's loopback for a host-network
 * pod), from the agent: a server bound to the pod's own loopback is out of reach, unlike the kubelet's, which connects
 * from inside the pod's network namespace. Not served (501, saying so): attach.
 */
final class OwnStreaming implements Streaming {
    private final String runtime;
    private final StreamServer server;

    OwnStreaming(String runtime, ExecStreams streams) {
        this.runtime = runtime;
        this.server = new StreamServer(streams);
    }

    @Override
    public URI url(Request request) {
        String podName = request.pod().pod().key().name();
        if (request.kind() == Kind.ATTACH) {
            throw new StaticPodLogs.Unsupported("attach is not served for runtime " + runtime + " by this agent (exec"
                    + " and port-forward are); it is with a runtime that has a streaming server of its own (--runtime"
                    + " containerd or --runtime cri)");
        }
        if (request.kind() == Kind.PORT_FORWARD) {
            request.pod().live().readySandbox().orElseThrow(() -> new RuntimeError.NotFound(
                    "pod \"" + podName + "\" has no ready sandbox to forward ports into"));
            String podIp = request.pod().status() == null ? null : request.pod().status().podIP();
            boolean hostNetwork = request.pod().pod().pod().spec().hostNetwork();
            if (!hostNetwork && (podIp == null || podIp.isEmpty())) {
                throw new RuntimeError.NotFound("pod \"" + podName + "\" has no IP address to forward ports to");
            }
            StreamingUrls.checkedPorts(request.ports());
            try {
                return server.forward(hostNetwork ? "127.0.0.1" : podIp);
            } catch (IllegalStateException e) {
                throw new RuntimeError.Unavailable(e.getMessage(), e);
            }
        }
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
