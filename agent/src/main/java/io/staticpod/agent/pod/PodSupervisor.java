package io.staticpod.agent.pod;

import io.staticpod.agent.desired.PodListener;
import io.staticpod.agent.launch.EnvResolver;
import io.staticpod.agent.launch.LaunchConfigs;
import io.staticpod.agent.launch.NodeMemory;
import io.staticpod.agent.launch.Volumes;
import io.staticpod.agent.probe.ProbeHandler;
import io.staticpod.agent.probe.Prober;
import io.staticpod.agent.relist.ContainerView;
import io.staticpod.agent.relist.PodCache;
import io.staticpod.agent.relist.Relister;
import io.staticpod.agent.status.PodStatuses;
import io.staticpod.agent.sync.PodSync;
import io.staticpod.agent.sync.RestartHistory;
import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;
import io.staticpod.mirror.MirrorClient;
import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.Sandbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Runs the desired static pods on a container runtime: the pod lanes, the relister (on its own thread) and the
 * periodic resync, wired together. Receives the desired set's changes as a {@link PodListener}; decides what to do
 * about pods the relister finds that no manifest wants (after the first full scan: remove them) and about pod state
 * directories nothing uses any more.
 *
 * <p>Threads: 16 pod lanes at most, one lane timer, one relist thread, two probe threads, and parallel stops.
 */
public final class PodSupervisor implements PodListener, Relister.Listener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PodSupervisor.class);

    private final ScheduledExecutorService timer;
    private final ExecutorService lanes;
    private final ExecutorService stoppers;
    private final ScheduledExecutorService probes;
    private final PodWorkers workers;
    private final Relister relister;
    private final Volumes volumes;
    private final BooleanSupplier desiredSynced;
    private final Map<PodKey, String> manifestErrors = new ConcurrentHashMap<>();
    private final MirrorClient mirror;
    private final PodCache cache;
    private volatile Map<PodKey, StaticPod> desired = Map.of();

    /**
     * @param wall          the system clock (the runtime's times are on it)
     * @param monotonic     what back-off, timers and the relister's health are measured on
     * @param desiredSynced true once the first full scan of the manifests has been applied: until then nothing found
     *                      in the runtime is treated as an orphan
     * @param health        told when the runtime stops or starts answering the relister
     * @param sandboxImage  the image the runtime runs sandboxes of, pulled when missing; null when the runtime sees to
     *                      its own
     */
    public PodSupervisor(ContainerRuntime runtime, String nodeName, Path rootDir, InstantSource wall,
                         InstantSource monotonic, BooleanSupplier desiredSynced, MirrorClient mirror,
                         Relister.HealthListener health, String sandboxImage) {
        this.timer = Executors.newSingleThreadScheduledExecutor(threads("pod-timer"));
        this.lanes = Executors.newFixedThreadPool(16, threads("pod-lane"));
        this.stoppers = Executors.newCachedThreadPool(threads("pod-stop"));
        this.probes = Executors.newScheduledThreadPool(2, threads("probe"));
        this.mirror = mirror;
        this.desiredSynced = desiredSynced;
        this.volumes = new Volumes(rootDir);
        String nodeAddress = io.staticpod.agent.probe.HostAddress.primary();
        LaunchConfigs launch = new LaunchConfigs(nodeName, volumes, new EnvResolver(nodeName, nodeAddress,
                Runtime.getRuntime().availableProcessors(), NodeMemory.totalBytes()),
                runtime.capabilities().logFiles() ? LaunchConfigs.POD_LOGS : null, runtime.capabilities().runAsUser());
        ProbeHandler handler = new ProbeHandler(mirror);
        Prober prober = new Prober(runtime.capabilities().exec() ? runtime.exec().orElse(null) : null, runtime.name(),
                probes, wall, handler);
        this.cache = new PodCache(runtime, launch::podSelector, monotonic);
        PodSync sync = new PodSync(runtime, launch, cache, new RestartHistory(wall, monotonic), prober,
                new PodStatuses(runtime.name(), prober, volumes), mirror, manifestErrors::get, stoppers, nodeAddress,
                sandboxImage);
        this.workers = new PodWorkers(sync::sync, lanes, timer, monotonic, this::publishMirrors);
        handler.wakeWith(workers::wake);
        this.relister = new Relister(runtime, launch.ownerSelector(), cache, monotonic, this, health);
    }

    /** Starts relisting every {@code relistPeriod} and resyncing every pod every {@code resyncPeriod}. */
    public void start(Duration relistPeriod, Duration resyncPeriod) {
        relister.start(relistPeriod);
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
        Map<PodKey, StaticPod> all = new HashMap<>(desired);
        workers.terminating().forEach(all::putIfAbsent);
        mirror.desiredPods(all);
    }

    /**
     * The running instance of container {@code name} of this version of the pod (its UID), as the pod cache has it
     * (read from the runtime when the cache holds no valid view): where {@code kubectl exec} and {@code attach} go.
     *
     * @throws io.staticpod.runtime.spi.RuntimeError when the runtime had to be read and failed
     */
    public Optional<String> runningContainer(StaticPod pod, String name) {
        return cache.current(pod.key()).containersOf(pod.uid()).stream()
                .filter(c -> c.name().equals(name) && c.running())
                .sorted(ContainerView.NEWEST_FIRST).map(ContainerView::id).findFirst();
    }

    /** The ready sandbox of this version of the pod, the newest if several, as the pod cache has it. */
    public Optional<String> readySandbox(StaticPod pod) {
        return cache.current(pod.key()).sandboxesOf(pod.uid()).stream().filter(Sandbox::ready)
                .max(Comparator.comparing(Sandbox::createdAt)).map(Sandbox::id);
    }

    /** Relists now: after the first full scan, orphans are found without waiting. */
    public void relistSoon() {
        relister.relistSoon();
    }

    /** When the runtime last answered a relist (monotonic), or null. */
    public Instant lastRelist() {
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

    @Override
    public void changed(PodKey key) {
        workers.wake(key);
    }

    @Override
    public void resyncAll() {
        workers.wakeAll();
    }

    /**
     * After the first full scan: pods in the runtime that no lane knows were left by manifests removed while the
     * agent was down, and are removed; so are state directories of pods that are neither wanted nor present. The
     * directories are listed before the lanes are asked, so that a pod being created is never taken for one.
     */
    @Override
    public void relisted(Set<PodKey> present, Set<String> uids) {
        if (!desiredSynced.getAsBoolean()) {
            return;
        }
        Set<String> dirs = new HashSet<>(volumes.podUids());
        Set<PodKey> known = workers.keys();
        for (PodKey key : present) {
            if (!known.contains(key)) {
                log.info("Removing containers of a static pod that no manifest defines any more pod={}", key);
                workers.podRemoved(key);
            }
        }
        dirs.removeAll(uids);
        dirs.removeAll(workers.uids());
        for (String uid : dirs) {
            log.info("Removing the state directory of a static pod that no longer exists uid={}", uid);
            volumes.cleanup(uid);
        }
    }

    /** Stops the agent's threads; containers keep running, as when the kubelet stops. */
    @Override
    public void close() {
        relister.close();
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
