package io.staticpod.agent.sync;

import io.staticpod.agent.launch.LaunchConfigs;
import io.staticpod.agent.probe.Prober;
import io.staticpod.agent.relist.ContainerView;
import io.staticpod.agent.relist.PodCache;
import io.staticpod.agent.relist.PodView;
import io.staticpod.agent.status.PodStatuses;
import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;
import io.staticpod.manifest.model.Container;
import io.staticpod.mirror.MirrorClient;
import io.staticpod.mirror.PodStatus;
import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.Sandbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * One sync of one pod, on its lane: observe (the pod's {@link PodView} from the cache, the exits in it recorded in
 * the history), plan ({@link PodPlanner}), act ({@link PodExecutor}), then read the pod again if anything changed and
 * report its status and keep its probes in step. Holds no state of its own between syncs: the history and the cache
 * do, so a restarted agent adopts what runs.
 *
 * <p>Thread-safe; one key is synced by one thread at a time (its lane).
 */
public final class PodSync {
    private static final Logger log = LoggerFactory.getLogger(PodSync.class);

    private final ContainerRuntime runtime;
    private final PodCache cache;
    private final RestartHistory history;
    private final Prober prober;
    private final PodStatuses statuses;
    private final MirrorClient mirror;
    private final Function<PodKey, String> manifestErrors;
    private final String nodeAddress;
    private final PodExecutor executor;

    /**
     * @param stoppers       runs the stops of one kill in parallel
     * @param manifestErrors the current manifest error of a pod whose last good version runs, or null
     * @param nodeAddress    the node's address: a host-network pod's, where its probes go
     * @param sandboxImage   the image the runtime runs sandboxes of, made present before a sandbox is run; null when
     *                       the runtime takes care of its own (CRI)
     */
    public PodSync(ContainerRuntime runtime, LaunchConfigs launch, PodCache cache, RestartHistory history,
                   Prober prober, PodStatuses statuses, MirrorClient mirror, Function<PodKey, String> manifestErrors,
                   Executor stoppers, String nodeAddress, String sandboxImage) {
        this.runtime = runtime;
        this.cache = cache;
        this.history = history;
        this.prober = prober;
        this.statuses = statuses;
        this.mirror = mirror;
        this.manifestErrors = manifestErrors;
        this.nodeAddress = nodeAddress;
        PresentImages images = new PresentImages(runtime.images());
        LifecycleHooks hooks = new LifecycleHooks(runtime, mirror, nodeAddress);
        this.executor = new PodExecutor(runtime, launch, cache, history, new PodKiller(runtime, stoppers, mirror, hooks),
                new ContainerStarter(runtime, launch, mirror, images, hooks), mirror,
                new PodExecutor.Node(nodeAddress, sandboxImage, images));
    }

    /**
     * Brings the runtime in line with {@code desired} for this key ({@code null}: nothing should run).
     *
     * @return when this pod must be looked at again at the latest (a back-off ending; monotonic), or null
     */
    public Instant sync(PodKey key, StaticPod desired) {
        PodView view = cache.current(key);
        if (desired != null) {
            observeExits(desired, view);
        }
        PodActions actions = PodPlanner.plan(desired, view,
                desired == null ? Map.of() : history.snapshot(desired.uid()), unhealthy(view), history.now());
        PodExecutor.Result result = null;
        try {
            result = executor.execute(key, desired, actions);
            return result.wakeAt();
        } finally {
            if (actions.changesRuntime()) {
                view = reread(key, view);
            }
            report(key, desired, view, result == null ? actions.waiting() : result.waiting());
        }
    }

    /** Records, for each container, when its newest exit was first seen. */
    private void observeExits(StaticPod pod, PodView view) {
        Map<String, ContainerView> newestExit = new HashMap<>();
        view.containersOf(pod.uid()).stream().filter(ContainerView::exited).sorted(ContainerView.NEWEST_FIRST)
                .forEach(c -> newestExit.putIfAbsent(c.name(), c));
        newestExit.forEach((name, c) -> history.exitSeen(new ContainerRef(pod.uid(), name), c.id(), c.finishedAt()));
    }

    /** The probes' verdicts on this pod's containers: those to stop. */
    private Map<String, PodActions.KillReason> unhealthy(PodView view) {
        Map<String, PodActions.KillReason> out = new HashMap<>();
        for (ContainerView c : view.containers()) {
            String failed = c.running() ? prober.failed(c.id()) : null;
            if (failed != null) {
                out.put(c.id(), "Startup".equals(failed) ? PodActions.KillReason.STARTUP
                        : PodActions.KillReason.LIVENESS);
            }
        }
        return out;
    }

    private PodView reread(PodKey key, PodView before) {
        try {
            return cache.refresh(key);
        } catch (RuntimeException e) {
            log.debug("Pod not read again after its sync; its status waits for the next relist pod={} error={}", key,
                    e.getMessage());
            return before;
        }
    }

    /** Sends the pod's status and keeps the probes in step with its running containers. Never throws. */
    private void report(PodKey key, StaticPod pod, PodView view, Map<String, PodStatus.Waiting> waiting) {
        try {
            if (pod == null) {
                prober.retain(key, Set.of());
                return;
            }
            List<ContainerView> ours = view.containersOf(pod.uid());
            Set<String> ids = new HashSet<>();
            ours.forEach(c -> ids.add(c.id()));
            history.retainNotices(pod.uid(), ids);
            Sandbox sandbox = view.sandboxesOf(pod.uid()).stream().filter(Sandbox::ready)
                    .max(Comparator.comparingInt(s -> s.metadata().attempt())).orElse(null);
            String podIp = sandbox == null || pod.pod().spec().hostNetwork() || !runtime.capabilities().podNetwork()
                    ? null : cache.sandboxIp(sandbox.id());
            probe(key, pod, ours, sandbox, pod.pod().spec().hostNetwork() ? nodeAddress : podIp);
            mirror.podStatus(key, statuses.build(pod, ours, podIp, waiting, manifestErrors.apply(key)));
        } catch (RuntimeException e) {
            log.debug("No status for static pod this time pod={} error={}", key, e.toString());
        }
    }

    /** Probes run for the app containers running in the current sandbox; {@code host} is where network probes go. */
    private void probe(PodKey key, StaticPod pod, List<ContainerView> ours, Sandbox sandbox, String host) {
        Set<String> running = new HashSet<>();
        if (sandbox != null) {
            for (Container c : pod.pod().spec().containers()) {
                ours.stream().filter(ContainerView::running).filter(i -> c.name().equals(i.name()))
                        .filter(i -> sandbox.id().equals(i.sandboxId())).forEach(i -> {
                            running.add(i.id());
                            prober.track(key, c, i.id(), i.status().startedAt(), host);
                        });
            }
        }
        prober.retain(key, running);
    }
}
