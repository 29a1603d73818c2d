package io.staticpod.agent.pod;

import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.WellKnown;
import io.staticpod.mirror.MirrorClient;
import io.staticpod.mirror.PodEvent;
import io.staticpod.runtime.ContainerInfo;
import io.staticpod.runtime.ContainerRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Stops and removes containers the way the kubelet kills a pod: every app container at once, each with its pod's
 * grace period (its stop signal, then SIGKILL), then the sandbox.
 */
final class PodKiller {
    private static final Logger log = LoggerFactory.getLogger(PodKiller.class);
    private static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);
    /** As the kubelet's minimumGracePeriodInSeconds. */
    private static final Duration MIN_GRACE = Duration.ofSeconds(2);

    private final ContainerRuntime runtime;
    private final Executor parallel;
    private final MirrorClient mirror;

    PodKiller(ContainerRuntime runtime, Executor parallel, MirrorClient mirror) {
        this.runtime = runtime;
        this.parallel = parallel;
        this.mirror = mirror;
    }

    /** Stops and removes {@code containers}, all belonging to {@code key}; blocks until done. */
    void kill(PodKey key, List<ContainerInfo> containers, String why) {
        long start = System.nanoTime();
        List<ContainerInfo> apps = new ArrayList<>();
        List<ContainerInfo> sandboxes = new ArrayList<>();
        for (ContainerInfo c : containers) {
            (WellKnown.TYPE_SANDBOX.equals(c.label(WellKnown.CONTAINER_TYPE)) ? sandboxes : apps).add(c);
        }
        long running = containers.stream().filter(ContainerInfo::running).count();
        if (running > 0) {
            log.info("Killing static pod containers pod={} uid={} running={} reason=\"{}\"", key,
                    containers.get(0).label(WellKnown.POD_UID), running, why);
        }
        apps.stream().filter(ContainerInfo::running).forEach(c -> mirror.podEvent(key, new PodEvent(
                PodEvent.Type.Normal, "Killing", "Stopping container " + c.label(WellKnown.CONTAINER_NAME),
                c.label(WellKnown.CONTAINER_NAME))));
        stopAndRemove(apps);
        stopAndRemove(sandboxes);
        if (running > 0) {
            log.info("Stopped static pod containers pod={} took={}ms", key, (System.nanoTime() - start) / 1_000_000);
        }
    }

    private void stopAndRemove(List<ContainerInfo> containers) {
        CompletableFuture.allOf(containers.stream().map(c -> CompletableFuture.runAsync(() -> {
            if (c.running()) {
                runtime.stop(c.id(), grace(c));
            }
            runtime.remove(c.id());
        }, parallel)).toArray(CompletableFuture[]::new)).join();
    }

    private static Duration grace(ContainerInfo c) {
        String s = c.label(WellKnown.POD_TERMINATION_GRACE_PERIOD);
        if (s == null) {
            return DEFAULT_GRACE;
        }
        try {
            Duration d = Duration.ofSeconds(Long.parseLong(s));
            return d.compareTo(MIN_GRACE) < 0 ? MIN_GRACE : d;
        } catch (NumberFormatException e) {
            return DEFAULT_GRACE;
        }
    }
}
