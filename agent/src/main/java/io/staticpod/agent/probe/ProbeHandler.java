package io.staticpod.agent.probe;

import io.staticpod.manifest.PodKey;
import io.staticpod.mirror.MirrorClient;
import io.staticpod.mirror.PodEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/**
 * What happens when probes say something: a readiness change re-reports the pod's status; a liveness or startup
 * failure is told (a log line, the kubelet's Unhealthy event) and wakes the pod's lane, whose sync stops the container
 * and restarts it per its restart policy and back-off, as the kubelet does. Nothing is stopped outside the lane.
 */
public final class ProbeHandler implements Prober.ProbeListener {
    private static final Logger log = LoggerFactory.getLogger(ProbeHandler.class);

    private final MirrorClient mirror;
    private volatile Consumer<PodKey> wake = key -> { };

    public ProbeHandler(MirrorClient mirror) {
        this.mirror = mirror;
    }

    /** How to wake a pod's lane (set once the lanes exist). */
    public void wakeWith(Consumer<PodKey> wake) {
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
        wake.accept(pod);
    }
}
