package io.staticpod.agent.pod;

import io.staticpod.agent.clock.MonotonicClock;
import io.staticpod.agent.desired.PodListener;
import io.staticpod.agent.probe.HostAddress;
import io.staticpod.agent.probe.Prober;
import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;
import io.staticpod.manifest.WellKnown;
import io.staticpod.mirror.MirrorClient;
import io.staticpod.runtime.ContainerEvents;
import io.staticpod.runtime.ContainerExec;
import io.staticpod.runtime.ContainerRuntime;

import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Runs the desired static pods on a container runtime: the pod lanes, the relister and the periodic resync, wired
 * together. Receives the desired set's changes as a {@link PodListener}.
 */
public final class PodSupervisor implements PodListener, AutoCloseable {
    private final ScheduledExecutorService timer;
    private final ExecutorService lanes;
    private final ExecutorService stoppers;
    private final ScheduledExecutorService probes;
    private final PodWorkers workers;
    private final Relister relister;
    private final Map<PodKey, String> manifestErrors = new ConcurrentHashMap<>();
    private final ContainerRuntime runtime;
    private final Map<String, String> ownerSelector;
    private volatile AutoCloseable events;
    private final MirrorClient mirror;
    private volatile Map<PodKey, StaticPod> desired = Map.of();

    /**
     * @param desiredSynced true once the first full scan of the manifests has been applied: until then no container
     *                      is treated as an orphan
     */
    public PodSupervisor(ContainerRuntime runtime, String nodeName, String sandboxImage, Path rootDir,
                         InstantSource clock, BooleanSupplier desiredSynced, MirrorClient mirror) {
        this.timer = Executors.newSingleThreadScheduledExecutor(threads("pod-timer"));
        this.lanes = Executors.newFixedThreadPool(16, threads("pod-lane"));
        this.stoppers = Executors.newCachedThreadPool(threads("pod-stop"));
        String nodeAddress = HostAddress.primary();
        LaunchSpecs specs = new LaunchSpecs(nodeName, sandboxImage, new EnvResolver(nodeName, nodeAddress,
                Runtime.getRuntime().availableProcessors(), NodeMemory.totalBytes()));
        this.probes = Executors.newScheduledThreadPool(2, threads("probe"));
        ProbeHandler handler = new ProbeHandler(runtime, mirror, stoppers);
        Prober prober = new Prober(runtime instanceof ContainerExec exec ? exec : null, probes, clock, handler);
        Volumes volumes = new Volumes(rootDir);
        PodSync sync = new PodSync(runtime, specs, volumes, new CrashBackoff(clock, MonotonicClock.SYSTEM), clock,
                new PodKiller(runtime, stoppers, mirror), mirror, manifestErrors::get, prober, nodeAddress);
        this.mirror = mirror;
        this.workers = new PodWorkers(sync, lanes, timer, clock, this::publishMirrors);
        handler.wakeWith(workers::wake);
        this.relister = new Relister(runtime, specs.ownerSelector(), workers, desiredSynced, mirror, volumes);
        this.runtime = runtime;
        this.ownerSelector = specs.ownerSelector();
    }

    /**
     * Starts relisting every {@code relistPeriod} and resyncing every pod every {@code resyncPeriod}; with a runtime
     * that streams events, a container's exit wakes its pod at once instead of at the next relist.
     */
    public void start(Duration relistPeriod, Duration resyncPeriod) {
        if (runtime instanceof ContainerEvents events) {
            this.events = events.subscribe(ownerSelector, e -> {
                String ns = e.labels().get(WellKnown.POD_NAMESPACE);
                String name = e.labels().get(WellKnown.POD_NAME);
                if (ns != null && name != null && !"start".equals(e.action())) {
                    workers.wake(new PodKey(ns, name));
                }
            });
        }
        timer.scheduleWithFixedDelay(relister::relist, 0, relistPeriod.toMillis(), TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(workers::wakeAll, resyncPeriod.toMillis(), resyncPeriod.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * The pods whose manifest turned invalid while their last good version keeps running, with the errors; shown
     * in their status. Replaces the previous map.
     */
    public void manifestErrors(Map<PodKey, String> errors) {
        manifestErrors.keySet().retainAll(errors.keySet());
        manifestErrors.putAll(errors);
        errors.keySet().forEach(workers::wake);
    }

    /**
     * The desired static pods, for their mirrors: the mirror client also gets every pod that is still stopping,
     * so a mirror stays until its pod's containers are gone (after the grace period), as with the kubelet.
     */
    public void desiredPods(Map<PodKey, StaticPod> pods) {
        desired = Map.copyOf(pods);
        publishMirrors();
    }

    private synchronized void publishMirrors() {
        Map<PodKey, StaticPod> all = new java.util.HashMap<>(desired);
        workers.terminating().forEach(all::putIfAbsent);
        mirror.desiredPods(all);
    }

    /** Relists now (on the timer thread): after the first full scan, orphans are found without waiting. */
    public void relistSoon() {
        timer.execute(relister::relist);
    }

    /** When the runtime last answered a relist, or null. */
    public java.time.Instant lastRelist() {
        return relister.lastSuccess();
    }

    @Override
    public void podChanged(PodKey key, StaticPod pod) {
        workers.podChanged(key, pod);
    }

    @Override
    public void podRemoved(PodKey key) {
        workers.podRemoved(key);
    }

    /** Stops the agent's threads; containers keep running, as when the kubelet stops. */
    @Override
    public void close() {
        if (events != null) {
            try {
                events.close();
            } catch (Exception ignored) {
                // the stream ends with the process anyway
            }
        }
        timer.shutdownNow();
        lanes.shutdownNow();
        stoppers.shutdownNow();
        probes.shutdownNow();
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
