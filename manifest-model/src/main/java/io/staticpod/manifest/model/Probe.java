package io.staticpod.manifest.model;

import java.util.List;

/**
 * A container probe, with the kubelet's defaults applied (period 10 s, timeout 1 s, success 1, failure 3).
 *
 * @param action                        what to run: exactly one of exec, httpGet, tcpSocket (never sleep)
 * @param terminationGracePeriodSeconds the grace period for a container this (liveness or startup) probe kills,
 *                                      or null for the pod's
 */
public record Probe(Action action, int initialDelaySeconds, int periodSeconds, int timeoutSeconds,
                    int successThreshold, int failureThreshold, Long terminationGracePeriodSeconds) {

    /** A probe without a grace period of its own. */
    public Probe(Action action, int initialDelaySeconds, int periodSeconds, int timeoutSeconds, int successThreshold,
                 int failureThreshold) {
        this(action, initialDelaySeconds, periodSeconds, timeoutSeconds, successThreshold, failureThreshold, null);
    }

    /** What a probe or a lifecycle hook does ({@link Sleep}: hooks only). */
    public sealed interface Action permits Exec, HttpGet, TcpSocket, Sleep {
    }

    /** Runs {@code command} in the container; success is exit code 0. */
    public record Exec(List<String> command) implements Action {
        public Exec {
            command = List.copyOf(command);
        }
    }

    /**
     * GET {@code scheme://host:port/path}; success is a status from 200 to 399. HTTPS is not verified.
     *
     * @param scheme HTTP (the default) or HTTPS
     * @param host   null: the pod IP (the node's address for a host-network pod)
     * @param port   a number or the name of one of the container's ports
     * @param path   defaulted to {@code /}
     */
    public record HttpGet(String scheme, String host, String port, String path, List<Header> headers)
            implements Action {
        public HttpGet {
            headers = headers == null ? List.of() : List.copyOf(headers);
        }
    }

    public record Header(String name, String value) {
    }

    /**
     * Opens a TCP connection; success is being able to.
     *
     * @param host null: the pod IP
     * @param port a number or the name of one of the container's ports
     */
    public record TcpSocket(String host, String port) implements Action {
    }

    /** A hook that waits {@code seconds} (the lifecycle handler {@code sleep}); never a probe's. */
    public record Sleep(long seconds) implements Action {
    }
}
