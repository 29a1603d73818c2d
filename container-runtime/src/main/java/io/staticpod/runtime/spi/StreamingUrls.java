package io.staticpod.runtime.spi;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * Interactive streams into a pod ({@code kubectl exec}, {@code attach}, {@code port-forward}) served by the runtime
 * itself, as CRI's {@code Exec}, {@code Attach} and {@code PortForward}: each call asks the runtime to prepare one
 * stream and answers the URL of that stream on the runtime's own streaming server. The node API authenticates and
 * authorizes the client's request, then hands its HTTP connection over to that URL as it is (the upgrade request
 * with its {@code Connection}, {@code Upgrade}, {@code Sec-WebSocket-*} and {@code X-Stream-Protocol-Version}
 * headers, then raw bytes both ways); the runtime speaks the stream protocol. Rules of {@link ContainerRuntime}
 * apply; no method here waits for the stream itself.
 *
 * <p><b>What a URL is.</b> An {@code http} (or, when the runtime is so configured, {@code https}) URL on the runtime's
 * streaming server, {@code http://127.0.0.1:<port>/exec/<token>} on containerd by default (its CRI settings
 * {@code stream_server_address} and {@code stream_server_port}; the port is chosen at its start when that is
 * {@code 0}). It names no container: the request behind it is kept by the runtime under the token, so:
 * <ul>
 *   <li><b>one use</b>: the first request to it consumes it, a second one is answered 404;</li>
 *   <li><b>short-lived</b>: it must be opened within one minute of the call (containerd and CRI-O, which both use the
 *   kubelet's streaming library; at most 1000 unused URLs at a time, the next call is then {@link RuntimeError.Refused}).
 *   Ask for it when the client's request is authorized, and open it at once;</li>
 *   <li><b>a credential</b>: whoever opens it gets the stream, with no further check. Never log it nor hand it to
 *   the client; reach it from the node only.</li>
 * </ul>
 * An open stream lasts until either side closes it or it is idle for the runtime's {@code stream_idle_timeout}
 * (containerd's default: 4 hours).
 *
 * <p><b>Protocols spoken at the URL</b> (an HTTP/1.1 {@code GET} or {@code POST} with an upgrade):
 * <ul>
 *   <li><b>SPDY/3.1</b> ({@code Upgrade: SPDY/3.1}), what the API server sends to a node up to Kubernetes 1.35:
 *   exec and attach with {@code X-Stream-Protocol-Version} {@code v4.channel.k8s.io} (also {@code v3.}, {@code v2.}
 *   and plain {@code channel.k8s.io}), one SPDY stream per {@code streamType} header ({@code error}, {@code stdin},
 *   {@code stdout}, {@code stderr}, {@code resize}); port-forward with {@code portforward.k8s.io}, a data and an
 *   error stream per connection, the port in each stream's {@code port} header (any port: the ports of
 *   {@link #portForward} do not limit SPDY clients).</li>
 *   <li><b>WebSocket</b> (RFC 6455), what newer API servers send first: exec and attach with the subprotocol
 *   {@code v4.channel.k8s.io} (also {@code v4.base64.channel.k8s.io}, {@code channel.k8s.io},
 *   {@code base64.channel.k8s.io}, or none). Each binary message starts with its channel: 0 stdin, 1 stdout,
 *   2 stderr, 3 error (with {@code v4}, the end of the command as a JSON {@code Status}: {@code "Success"}, or
 *   {@code "Failure"} with reason {@code NonZeroExitCode} and the exit code as a cause), 4 terminal resize (JSON
 *   {@code {"Width":..,"Height":..}}); the server first sends one empty message on the lowest channel it writes.
 *   Port-forward with {@code v4.channel.k8s.io} (or {@code v4.base64.channel.k8s.io}, or none): for the i-th port of
 *   {@link #portForward}, channel 2i carries the data and 2i+1 the errors, and the server's first message on each is
 *   the port as two bytes, little-endian; one TCP connection per port per WebSocket. The {@code v5.channel.k8s.io}
 *   protocol (stdin close, Kubernetes 1.30+) is not served by containerd 1.6.</li>
 * </ul>
 */
public interface StreamingUrls {

    /**
     * A stream running {@code command} (argv, no shell) in the container, with the streams of {@code options}.
     *
     * @throws RuntimeError.NotFound when the container does not exist or is not running
     * @throws RuntimeError.Refused  when the runtime refuses (too many unused URLs; the message is its answer)
     */
    URI exec(String containerId, List<String> command, StreamOptions options);

    /**
     * A stream attached to the container's main process: what it writes from now on and, if it was created with an
     * open stdin, what the client sends. {@code options.tty()} must be what the container was created with (this
     * SPI creates none with a terminal, so false).
     *
     * @throws RuntimeError.NotFound when the container does not exist or is not running
     */
    URI attach(String containerId, StreamOptions options);

    /**
     * A stream forwarding connections to TCP ports on the sandbox's network (its loopback, so any address the pod
     * listens on). {@code ports} are those a WebSocket client uses, in channel order (the {@code ports} query of the
     * node API's request); empty for SPDY clients, which name the port in each stream.
     *
     * @throws RuntimeError.NotFound when the sandbox does not exist or is not ready
     * @throws IllegalArgumentException when a port is outside 1-65535
     */
    URI portForward(String sandboxId, List<Integer> ports);

    /**
     * Which of the process's streams the client gets. At least one of stdin, stdout, stderr. With a terminal
     * ({@code tty}) stdout and stderr are one stream, so {@code stderr} must then be false: the kubelet drops a
     * requested stderr when a terminal is asked for ({@code new StreamOptions(in, out, err && !tty, tty)}).
     *
     * @throws IllegalArgumentException when none of the three is asked for, or stderr with a terminal
     */
    record StreamOptions(boolean stdin, boolean stdout, boolean stderr, boolean tty) {
        public StreamOptions {
            if (!stdin && !stdout && !stderr) {
                throw new IllegalArgumentException("a stream needs at least one of stdin, stdout and stderr");
            }
            if (tty && stderr) {
                throw new IllegalArgumentException("with a terminal (tty) stderr is part of stdout: ask for stderr false");
            }
        }

        /** stdout and stderr, no stdin, no terminal: a command's output. */
        public static final StreamOptions OUTPUT = new StreamOptions(false, true, true, false);
    }

    /** The checks every implementation makes on a command before asking its engine. */
    static List<String> checkedCommand(List<String> command) {
        Objects.requireNonNull(command, "command");
        if (command.isEmpty() || command.get(0).isEmpty()) {
            throw new IllegalArgumentException("exec needs a command (argv), got " + command.size() + " words");
        }
        return List.copyOf(command);
    }

    /** The checks every implementation makes on ports before asking its engine. */
    static List<Integer> checkedPorts(List<Integer> ports) {
        Objects.requireNonNull(ports, "ports");
        for (Integer port : ports) {
            if (port == null || port < 1 || port > 65535) {
                throw new IllegalArgumentException("port-forward: port " + port + " is not in 1-65535");
            }
        }
        return List.copyOf(ports);
    }
}
