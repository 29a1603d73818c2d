package io.staticpod.agent.pod;

import io.staticpod.agent.probe.Prober;
import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.WellKnown;
import io.staticpod.mirror.MirrorClient;
import io.staticpod.mirror.PodEvent;
import io.staticpod.runtime.ContainerRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * What happens when probes say something: a readiness change re-reports the pod's status; a liveness or startup
 * failure stops the container (its grace period respected), and the pod's sync restarts it per its restart policy
 * and back-off, as the kubelet does.
 */
final class ProbeHandler implements Prober.ProbeListener {
    private static final Logger log = LoggerFactory.getLogger(ProbeHandler.class);

    private final ContainerRuntime runtime;
    private final MirrorClient mirror;
    private final Executor stoppers;
    private volatile Consumer<PodKey> wake = key -> { };

    ProbeHandler(ContainerRuntime runtime, MirrorClient mirror, Executor stoppers) {
        this.runtime = runtime;
        this.mirror = mirror;
        this.stoppers = stoppers;
    }

    void wakeWith(Consumer<PodKey> wake) {
        this.wake = wake;
    }

    @Override
    public void changed(PodKey pod) {
        wake.accept(pod);
    }

    @Override
    public void unhealthy(PodKey pod, String container, String containerId, String probe, String message) {
        log.info("{} probe failed; restarting container of static pod pod={} container={} message=\"{}\"", probe, pod,
                container, message);
        mirror.podEvent(pod, new PodEvent(PodEvent.Type.Warning, "Unhealthy", probe + " probe failed: " + message,
                container));
        mirror.podEvent(pod, new PodEvent(PodEvent.Type.Normal, "Killing", "Container " + container + " failed "
                + probe.toLowerCase(java.util.Locale.ROOT) + " probe, will be restarted", container));
        stoppers.execute(() -> {
            try {
                Duration grace = runtime.inspect(containerId)
                        .map(c -> c.label(WellKnown.POD_TERMINATION_GRACE_PERIOD))
                        .map(s -> Duration.ofSeconds(Math.max(2, Long.parseLong(s)))).orElse(Duration.ofSeconds(30));
                runtime.stop(containerId, grace);
            } catch (RuntimeException e) {
                log.warn("Stopping an unhealthy container failed; the next sync retries pod={} container={} error={}",
                        pod, container, e.getMessage());
            }
            wake.accept(pod);
        });
    }
}
