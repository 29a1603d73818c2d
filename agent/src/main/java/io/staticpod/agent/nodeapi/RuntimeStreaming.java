package io.staticpod.agent.nodeapi;

import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.StreamingUrls;

import java.net.URI;

/**
 * {@link Streaming} on a runtime's own streaming server ({@link StreamingUrls}, CRI's {@code Exec}, {@code Attach}
 * and {@code PortForward}): exec and attach go to the running instance of the container, port-forward to the pod's
 * ready sandbox, both as the agent's pod cache has them now ({@link StaticPodView#live()}). As the kubelet does, a
 * requested stderr is dropped when a terminal is asked for.
 */
final class RuntimeStreaming implements Streaming {
    private final StreamingUrls urls;

    RuntimeStreaming(StreamingUrls urls) {
        this.urls = urls;
    }

    /**
     * @throws RuntimeError.NotFound     when the container is not running or the pod has no ready sandbox (404)
     * @throws IllegalArgumentException when the request cannot be asked (no command, no stream, a bad port: 400)
     */
    @Override
    public URI url(Request request) {
        StaticPodView pod = request.pod();
        String podName = pod.pod().key().name();
        if (request.kind() == Kind.PORT_FORWARD) {
            String sandbox = pod.live().readySandbox().orElseThrow(() -> new RuntimeError.NotFound(
                    "pod \"" + podName + "\" has no ready sandbox to forward ports into"));
            return urls.portForward(sandbox, StreamingUrls.checkedPorts(request.ports()));
        }
        String container = pod.runningContainerId(request.container()).orElseThrow(() -> new RuntimeError.NotFound(
                "container \"" + request.container() + "\" in pod \"" + podName + "\" is not running"));
        StreamingUrls.StreamOptions options = new StreamingUrls.StreamOptions(request.stdin(), request.stdout(),
                request.stderr() && !request.tty(), request.tty());
        if (request.kind() == Kind.EXEC) {
            return urls.exec(container, StreamingUrls.checkedCommand(request.command()), options);
        }
        return urls.attach(container, options);
    }
}
