package io.staticpod.agent.nodeapi;

import io.staticpod.runtime.spi.ContainerRuntime;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Where an exec, attach or port-forward of a static pod is served: a URL on the runtime's own streaming server (CRI's
 * {@code Exec}, {@code Attach}, {@code PortForward} answers), to which the node API hands the authorized upgraded
 * connection over as a byte tunnel.
 */
public interface Streaming extends AutoCloseable {

    /**
     * @throws StaticPodLogs.Unsupported         when the runtime has no streaming server (answered 501)
     * @throws io.staticpod.runtime.spi.RuntimeError.NotFound when the container is not running, or the pod has no
     *                                           ready sandbox (404)
     * @throws IllegalArgumentException          when the request cannot be asked: no command, no stream, a bad port (400)
     * @throws io.staticpod.runtime.spi.RuntimeError when the runtime fails otherwise (503)
     */
    URI url(Request request);

    /**
     * @param container null for port-forward
     * @param command   exec's {@code command} parameters, else empty
     * @param ports     port-forward's {@code port} parameters, else empty
     */
    record Request(Kind kind, StaticPodView pod, String container, List<String> command, boolean stdin,
                   boolean stdout, boolean stderr, boolean tty, List<Integer> ports) {
        public Request {
            command = List.copyOf(command);
            ports = List.copyOf(ports);
        }
    }

    enum Kind { EXEC, ATTACH, PORT_FORWARD }

    /** Stops what serves the streams (the agent's own streaming server); open streams end. */
    @Override
    default void close() {
    }

    /** No streaming server, runtime unnamed. */
    Streaming UNSUPPORTED = unsupported(null);

    /**
     * The runtime's streaming server when its capabilities include {@code streaming} (the CRI adapter); else the
     * agent's own streaming server when the runtime streams exec output ({@link ContainerRuntime#execStreams()}: the
     * Docker Engine API); else an answer (501) saying which runtimes serve exec, attach and port-forward.
     */
    static Streaming of(ContainerRuntime runtime) {
        if (runtime.capabilities().streaming() && runtime.streaming().isPresent()) {
            return new RuntimeStreaming(runtime.streaming().get());
        }
        if (runtime.execStreams().isPresent()) {
            return new OwnStreaming(runtime.execStreams().get(), runtime.sandboxes());
        }
        return unsupported(runtime.name());
    }

    /** @param runtime the runtime's name as {@code --runtime} spells it, or null */
    static Streaming unsupported(String runtime) {
        return request -> {
            throw new StaticPodLogs.Unsupported(request.kind().name().toLowerCase(Locale.ROOT)
                    .replace("port_forward", "port-forward") + " is not served" + (runtime == null ? ""
                    : " for runtime " + runtime) + " by this agent: exec, attach and port-forward need a runtime"
                    + " driven through its API (--runtime docker, --runtime containerd or --runtime cri)");
        };
    }
}
