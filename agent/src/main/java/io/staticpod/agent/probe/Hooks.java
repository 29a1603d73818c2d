package io.staticpod.agent.probe;

import io.staticpod.manifest.model.ContainerPort;
import io.staticpod.manifest.model.Probe;
import io.staticpod.runtime.spi.ExecSync;

import java.time.Duration;
import java.util.List;

/**
 * Runs a container's lifecycle hooks ({@code postStart}, {@code preStop}) as the kubelet's handler runner does:
 * {@code exec} through the runtime (a non-zero exit fails it), {@code httpGet} (a GET to the pod's address unless the
 * hook names a host; only getting no answer fails it: the answer's status is not looked at, as the kubelet's),
 * {@code sleep}; a {@code tcpSocket} hook fails, as the kubelet's. Each within the deadline given. Thread-safe.
 */
public final class Hooks {
    private final ProbeRunner runner;

    /**
     * @param exec        how to run exec hooks, or null when the runtime cannot (they then fail, saying why)
     * @param runtimeName the runtime's name, for that message
     */
    public Hooks(ExecSync exec, String runtimeName) {
        this.runner = new ProbeRunner(exec, runtimeName);
    }

    /**
     * Runs {@code hook} of container {@code container} (its runtime id {@code containerId}) of pod {@code pod}.
     *
     * @param host  where an httpGet hook goes when it names no host: the pod's IP, the node's for a host-network pod
     * @param ports the container's ports, for a named port
     * @return null when it succeeded, else the kubelet's words for its failure
     */
    public String run(Probe.Action hook, String pod, String container, String containerId, String host,
                      List<ContainerPort> ports, Duration timeout) {
        try {
            if (hook instanceof Probe.Sleep s) {
                Thread.sleep(Math.min(Duration.ofSeconds(s.seconds()).toMillis(), timeout.toMillis()));
                return null;
            }
            if (hook instanceof Probe.Exec e) {
                ProbeRunner.Outcome o = runner.exec(containerId, e, timeout);
                return o.success() ? null : failed("Exec", " (" + e.command() + ")", container, pod, o.message());
            }
            if (hook instanceof Probe.HttpGet h) {
                String target = h.host() != null && !h.host().isEmpty() ? h.host() : host;
                ProbeRunner.Outcome o = runner.http(h, target, ProbeRunner.port(h.port(), ports), timeout, true);
                return o.success() ? null : failed("HTTP", " (" + h.path() + ")", container, pod, o.message());
            }
            return failed("TCP", "", container, pod, "a tcpSocket hook is not run, as by the kubelet: use exec or"
                    + " httpGet");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed("Sleep", "", container, pod, "interrupted");
        } catch (RuntimeException e) {
            return failed(hook.getClass().getSimpleName(), "", container, pod, e.getMessage());
        }
    }

    /** The kubelet's words: {@code Exec lifecycle hook ([…]) for Container "c" in Pod "p" failed - error: …}. */
    private static String failed(String kind, String what, String container, String pod, String error) {
        return kind + " lifecycle hook" + what + " for Container \"" + container + "\" in Pod \"" + pod
                + "\" failed - error: " + error;
    }
}
