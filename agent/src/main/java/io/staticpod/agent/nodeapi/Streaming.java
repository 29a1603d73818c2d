package io.staticpod.agent.nodeapi;

import java.net.URI;
import java.util.List;

/**
 * Where an exec, attach or port-forward of a static pod is served: a URL on the runtime's own streaming server (CRI's
 * {@code Exec}, {@code Attach}, {@code PortForward} answers), to which the node API hands the authorized upgraded
 * connection over as a byte tunnel.
 */
public interface Streaming {

    /**
     * @throws StaticPodLogs.Unsupported when the runtime has no streaming server (answered 501)
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

    /** No streaming server (the agent's runtimes today). */
    Streaming UNSUPPORTED = request -> {
        throw new StaticPodLogs.Unsupported(request.kind().name().toLowerCase(java.util.Locale.ROOT)
                .replace("port_forward", "port-forward") + " is not served by this agent yet: it needs a runtime with"
                + " a streaming server (CRI)");
    };
}
