package io.staticpod.mirror.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;
import io.staticpod.mirror.MirrorClient;
import io.staticpod.mirror.PodEvent;
import io.staticpod.mirror.PodStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The mirror client against a real API server, through fabric8.
 *
 * <p>Every public method records what it was told and wakes the worker; none waits for the API server. The worker,
 * one thread, runs {@link #sync}: register the Node if needed, renew the Lease, write the Node's status when
 * due, make the mirrors match the desired pods, write changed pod statuses, send events. A request the API server
 * answers with an error (500, 503) fails alone and the pass goes on; an unreachable API server, a lost connection
 * or a 429 stops the pass (see {@link Pass}). A pass with failures is retried after a backoff ({@link Timing}: 1 s
 * doubling to 10 s, or longer when the API server says {@code Retry-After}); until then new inputs only wait, so a
 * failing API server is never asked in a loop. Everything a pass needs is recomputed from the recorded inputs, so
 * the state converges when the server is well again. A watch of this
 * node's pods (a fabric8 informer, {@code fieldSelector spec.nodeName=<node>} as the kubelet's) feeds the mirrors
 * the API server holds into the worker, so a deleted or edited mirror is replaced at once.
 *
 * <p>Assumptions: this process is the only writer of this node's mirror pods; a mirror the API server refused
 * (admission) is retried only every {@link Timing#resync()}.
 */
public final class ApiServerMirrorClient implements MirrorClient {
    private static final Logger log = LoggerFactory.getLogger(ApiServerMirrorClient.class);
    private static final Duration EVENT_RETRY = Duration.ofMillis(250);
    private static final Duration OUTAGE_REMINDER = Duration.ofMinutes(5);

    private final KubernetesClient client;
    private final NodeFacts facts;
    private final Clock clock;
    private final Timing timing;
    private final ScheduledExecutorService worker;
    private final EventRecorder events;
    private final boolean byFieldSelector;

    // inputs: written by any thread, read by the worker
    private final AtomicReference<Map<PodKey, StaticPod>> desired = new AtomicReference<>();
    private final Map<String, Instant> firstSeen = new ConcurrentHashMap<>();
    private final Map<PodKey, PodStatus> statuses = new ConcurrentHashMap<>();
    /** What the watch saw since the worker last looked, the latest per mirror UID, in order: bounded by the mirrors. */
    private final Map<String, Observed> watched = new LinkedHashMap<>(); // guarded by itself
    private volatile NodeObjects.Health health;
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean closed;
    /** No pass before this System.nanoTime() (after a failure), unless the watch shows the API server back. */
    private volatile long retryAt;
    private volatile boolean unreachable;

    // the worker thread's own state
    private final Mirrors mirrors;
    private final Backoff backoff;
    private final Instant registeredAt;
    private SharedIndexInformer<Pod> informer;
    private String nodeUid;
    private NodeObjects.Health healthWritten;
    private long nodeStatusDue;
    private long leaseDue;
    private long outageLoggedAt;
    private String nodeErrorLogged;
    private final java.util.Set<String> refusalsLogged = new java.util.HashSet<>();
    /** Whether the API server takes strategic merge patches of nodes/status (fabric8's mock server does not). */
    private boolean strategicMerge = true;
    private final Map<PodKey, Written> written = new HashMap<>();
    private final Map<PodKey, Map<String, StatusMapper.Transition>> transitions = new HashMap<>();
    private final Map<PodKey, String> manifestErrorsReported = new HashMap<>();
    private ScheduledFuture<?> tick;

    /**
     * @param client a client for the node's credentials; closed by {@link #close()}
     * @param facts  the node's name, labels, address, capacity and versions
     * @param clock  the time written into objects (config.seen, conditions, lease, events)
     */
    public ApiServerMirrorClient(KubernetesClient client, NodeFacts facts, Clock clock, Timing timing) {
        this(client, facts, clock, timing, true);
    }

    /**
     * @param byFieldSelector false to watch all pods and keep this node's (fabric8's mock server delivers no watch
     *                        events for a {@code spec.nodeName} field selector); true against a real API server
     */
    ApiServerMirrorClient(KubernetesClient client, NodeFacts facts, Clock clock, Timing timing,
                          boolean byFieldSelector) {
        this.byFieldSelector = byFieldSelector;
        this.client = Objects.requireNonNull(client, "client");
        this.facts = Objects.requireNonNull(facts, "facts");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timing = Objects.requireNonNull(timing, "timing");
        this.registeredAt = clock.instant();
        this.health = new NodeObjects.Health(true, "", registeredAt);
        this.backoff = new Backoff(timing.backoffStart(), timing.backoffMax());
        this.events = new EventRecorder(client, facts.name(), System::nanoTime);
        this.mirrors = new Mirrors(client, facts, clock, timing, events, this::seen);
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mirror-client");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void start() {
        if (started.compareAndSet(false, true)) {
            wake();
        }
    }

    @Override
    public void desiredPods(Map<PodKey, StaticPod> pods) {
        Map<PodKey, StaticPod> copy = Map.copyOf(pods);
        Instant now = clock.instant();
        copy.values().forEach(sp -> firstSeen.putIfAbsent(sp.uid(), now));
        java.util.Set<String> uids = new java.util.HashSet<>();
        copy.values().forEach(sp -> uids.add(sp.uid()));
        firstSeen.keySet().retainAll(uids);
        desired.set(copy);
        statuses.keySet().retainAll(copy.keySet());
        wake();
    }

    @Override
    public void podStatus(PodKey key, PodStatus status) {
        statuses.put(key, status);
        wake();
    }

    @Override
    public void podEvent(PodKey key, PodEvent event) {
        events.offer(key, event, clock.instant());
        wake();
    }

    @Override
    public void runtimeHealth(boolean ready, String message) {
        NodeObjects.Health h = health;
        String m = message == null ? "" : message;
        if (h.ready() != ready || !h.message().equals(m)) {
            health = new NodeObjects.Health(ready, m, h.ready() == ready ? h.since() : clock.instant());
            wake();
        }
    }

    @Override
    public void close() {
        closed = true;
        worker.shutdownNow();
        try {
            worker.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (informer != null) {
            informer.stop();
        }
        client.close();
    }

    @Override
    public String toString() {
        return "ApiServerMirrorClient[node=" + facts.name() + "]";
    }

    private Instant seen(String hash) {
        return firstSeen.computeIfAbsent(hash, h -> clock.instant());
    }

    private void wake() {
        if (started.get() && !closed && wakePending.compareAndSet(false, true)) {
            try {
                worker.execute(this::runSync);
            } catch (RejectedExecutionException e) {
                wakePending.set(false);
            }
        }
    }

    private void runSync() {
        wakePending.set(false);
        if (closed) {
            return;
        }
        long wait = retryAt - System.nanoTime();
        if (wait > 0) {
            schedule(Duration.ofNanos(wait)); // inputs wait for the retry: a failing API server is not asked in a loop
            return;
        }
        Duration next;
        Pass pass = new Pass();
        try {
            next = sync(pass);
            if (pass.failure() != null) {
                next = failed(pass.failure());
            } else {
                if (backoff.failures() > 0) {
                    log.info("API server answering again after {} failed attempts node={}", backoff.failures(),
                            facts.name());
                }
                backoff.reset();
                unreachable = false;
            }
        } catch (KubernetesClientException e) {
            if (Failures.isTransient(e)) {
                next = failed(e);
            } else {
                log.error("Mirror client sync refused by the API server, will retry node={} code={} error={}",
                        facts.name(), e.getCode(), Failures.message(e));
                next = timing.resync();
            }
        } catch (RuntimeException | LinkageError | AssertionError e) {
            // a bug or a client in a bad state: keep going, loudly
            log.error("Mirror client sync failed unexpectedly, will retry node={}", facts.name(), e);
            next = backoff.fail();
            retryAt = System.nanoTime() + next.toNanos();
        }
        schedule(next);
    }

    private Duration failed(KubernetesClientException e) {
        Duration wait = backoff.fail();
        Duration asked = Failures.retryAfter(e);
        if (asked.compareTo(wait) > 0) {
            wait = asked;
        }
        long now = System.nanoTime();
        retryAt = now + wait.toNanos();
        unreachable = e.getCode() <= 0;
        if (backoff.failures() == 1 || now - outageLoggedAt > OUTAGE_REMINDER.toNanos()) {
            outageLoggedAt = now;
            log.warn("API server unavailable or failing; static pods keep running, mirror pods and node status wait "
                    + "node={} attempts={} retryIn={} error={}", facts.name(), backoff.failures(), wait,
                    Failures.message(e));
        } else {
            log.debug("API server still unavailable attempts={} error={}", backoff.failures(), Failures.message(e));
        }
        return wait;
    }

    private void schedule(Duration delay) {
        if (closed) {
            return;
        }
        if (tick != null) {
            tick.cancel(false);
        }
        try {
            tick = worker.schedule(this::wake, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    /** One pass over everything; returns when to come back. Worker thread only. */
    private Duration sync(Pass pass) {
        startWatch();
        drainWatched();
        if (!ensureNode()) {
            return timing.resync();
        }
        long now = System.nanoTime();
        Instant wall = clock.instant();
        answered("Lease renewal", () -> renewLease(now, wall), pass,
                () -> leaseDue = now + timing.leaseRenew().toNanos());
        answered("Node status update", () -> writeNodeStatus(now, wall), pass,
                () -> nodeStatusDue = now + timing.nodeStatus().toNanos());
        Map<PodKey, StaticPod> want = desired.get();
        if (want != null) {
            mirrors.reconcile(want, nodeUid, informer.hasSynced() ? informer.getStore().list() : null, pass);
            writeStatuses(want, wall, pass);
        }
        Map<PodKey, StaticPod> wanted = want == null ? Map.of() : want;
        boolean eventsWaiting = false;
        try {
            eventsWaiting = events.flush(mirrors::current, k -> want == null || wanted.containsKey(k), wall);
        } catch (KubernetesClientException e) {
            if (!Failures.isTransient(e)) {
                throw e;
            }
            pass.failed(e);
        }
        long due = Math.min(leaseDue, nodeStatusDue) - System.nanoTime();
        Duration next = Duration.ofNanos(Math.max(0, due));
        next = min(next, mirrors.nextRetry());
        return eventsWaiting ? min(next, EVENT_RETRY) : next;
    }

    /**
     * Runs one step; an answer from the API server other than "unavailable" (a refusal) is logged once per message
     * and does not stop the other steps; the step is tried again when next due ({@code refused} sets that), not in a
     * loop. A transient failure goes to the pass.
     */
    private void answered(String step, Runnable r, Pass pass, Runnable refused) {
        try {
            r.run();
        } catch (KubernetesClientException e) {
            if (Failures.isTransient(e)) {
                pass.failed(e);
                return;
            }
            refused.run();
            String message = step + ": " + Failures.message(e);
            if (refusalsLogged.add(message)) {
                log.error("{} refused by the API server; check the node's credentials and the API server's admission "
                        + "node={} code={} error={}", step, facts.name(), e.getCode(), Failures.message(e));
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private void startWatch() {
        if (informer != null) {
            return;
        }
        var pods = client.pods().inAnyNamespace();
        // as the kubelet's API source; the Node authorizer lets a node list and watch pods
        informer = (byFieldSelector ? pods.withField("spec.nodeName", facts.name()) : pods).runnableInformer(0);
        informer.exceptionHandler((isStarted, t) -> {
            log.debug("Watch of this node's pods failed, fabric8 retries error={}", Failures.message(t));
            return true;
        });
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                observe(pod, false);
            }

            @Override
            public void onUpdate(Pod oldPod, Pod newPod) {
                observe(newPod, false);
            }

            @Override
            public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
                observe(pod, true);
            }
        });
        informer.start();
    }

    private void observe(Pod pod, boolean deleted) {
        log.debug("Watched pod={}/{} deleted={}", pod.getMetadata().getNamespace(), pod.getMetadata().getName(), deleted);
        if (MirrorPods.isMirrorOn(pod, facts.name())) {
            synchronized (watched) {
                String uid = MirrorPods.uid(pod);
                watched.remove(uid); // re-inserted last: the order of each UID's latest event is kept
                watched.put(uid, new Observed(pod, deleted));
            }
            if (unreachable) {
                retryAt = 0; // the watch got through: the API server is back, no need to wait out the backoff
            }
            wake();
        }
    }

    private void drainWatched() {
        List<Observed> batch;
        synchronized (watched) {
            batch = new ArrayList<>(watched.values());
            watched.clear();
        }
        batch.forEach(o -> mirrors.observed(o.pod, o.deleted));
    }

    /** Registers the Node or finds it; true once its UID is known. */
    private boolean ensureNode() {
        if (nodeUid != null) {
            return true;
        }
        try {
            Node node = client.nodes().withName(facts.name()).get();
            if (node == null) {
                try {
                    node = client.nodes().resource(NodeObjects.node(facts, health, clock.instant(), registeredAt))
                            .create();
                    log.info("Registered node node={}", facts.name());
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 409) {
                        throw e;
                    }
                    node = client.nodes().withName(facts.name()).require();
                }
            } else {
                reconcileLabels(node);
                log.info("Node already registered node={}", facts.name());
            }
            nodeUid = node.getMetadata().getUid();
            nodeStatusDue = 0;
            leaseDue = 0;
            nodeErrorLogged = null;
            mirrors.nodeChanged();
            return true;
        } catch (KubernetesClientException e) {
            if (Failures.isTransient(e)) {
                throw e;
            }
            String message = Failures.message(e);
            if (!message.equals(nodeErrorLogged)) {
                nodeErrorLogged = message;
                log.error("Cannot register node; static pods keep running but get no mirror pods; check the "
                        + "kubeconfig's credentials (CN=system:node:<node>, O=system:nodes) and --node-labels "
                        + "node={} code={} error={}", facts.name(), e.getCode(), message);
            }
            return false;
        }
    }

    private void reconcileLabels(Node node) {
        Map<String, String> have = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
        Map<String, String> missing = new LinkedHashMap<>();
        NodeObjects.labels(facts).forEach((k, v) -> {
            if (!v.equals(have.get(k))) {
                missing.put(k, v);
            }
        });
        if (!missing.isEmpty()) {
            ObjectNode patch = JsonNodeFactory.instance.objectNode();
            ObjectNode labels = patch.putObject("metadata").putObject("labels");
            missing.forEach(labels::put);
            client.nodes().withName(facts.name()).patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
            log.info("Updated node labels node={} labels={}", facts.name(), missing.keySet());
        }
    }

    private void renewLease(long now, Instant wall) {
        if (now < leaseDue) {
            return;
        }
        var lease = NodeObjects.lease(facts, nodeUid, wall);
        var leases = client.leases().inNamespace(NodeObjects.LEASE_NAMESPACE);
        try {
            ObjectNode patch = JsonNodeFactory.instance.objectNode();
            patch.putObject("spec").put("holderIdentity", facts.name())
                    .put("leaseDurationSeconds", NodeObjects.LEASE_DURATION_SECONDS)
                    .put("renewTime", Times.micro(wall));
            leases.withName(facts.name()).patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
        } catch (KubernetesClientException e) {
            if (!Failures.isNotFound(e)) {
                throw e;
            }
            leases.resource(lease).create();
        }
        leaseDue = now + timing.leaseRenew().toNanos();
    }

    private void writeNodeStatus(long now, Instant wall) {
        NodeObjects.Health h = health;
        if (now < nodeStatusDue && h.equals(healthWritten)) {
            return;
        }
        ObjectNode patch = JsonNodeFactory.instance.objectNode();
        patch.set("status", MirrorPods.JSON.convertValue(NodeObjects.status(facts, h, wall, registeredAt),
                ObjectNode.class));
        try {
            // strategic merge, as the kubelet: conditions merge by type, so those of other writers stay
            var status = client.nodes().withName(facts.name()).subresource("status");
            if (strategicMerge) {
                status.patch(PatchContext.of(PatchType.STRATEGIC_MERGE), patch.toString());
            } else {
                // a JSON patch setting each field whole, since a merge patch merges lists on such servers
                var ops = JsonNodeFactory.instance.arrayNode();
                patch.get("status").properties().forEach(f -> ops.addObject().put("op", "add")
                        .put("path", "/status/" + f.getKey()).set("value", f.getValue()));
                status.patch(PatchContext.of(PatchType.JSON), ops.toString());
            }
        } catch (KubernetesClientException e) {
            if (e.getCode() == 415 && strategicMerge) {
                strategicMerge = false;
                log.info("API server takes no strategic merge patch for node status, using a JSON patch");
                writeNodeStatus(now, wall);
                return;
            }
            if (Failures.isNotFound(e)) {
                log.warn("Node was deleted from the API server, registering it again node={}", facts.name());
                nodeUid = null;
                return;
            }
            throw e;
        }
        if (healthWritten != null && healthWritten.ready() != h.ready()) {
            log.info("Node condition Ready changed node={} ready={} message={}", facts.name(), h.ready(),
                    h.message());
        }
        healthWritten = h;
        nodeStatusDue = now + timing.nodeStatus().toNanos();
    }

    /** Patches each mirror's status that differs from the one last written to that mirror. */
    private void writeStatuses(Map<PodKey, StaticPod> want, Instant wall, Pass pass) {
        written.keySet().retainAll(want.keySet());
        transitions.keySet().retainAll(want.keySet());
        manifestErrorsReported.keySet().retainAll(want.keySet());
        for (Map.Entry<PodKey, PodStatus> e : new ArrayList<>(statuses.entrySet())) {
            PodKey key = e.getKey();
            PodStatus status = e.getValue();
            Pod mirror = mirrors.current(key);
            if (!want.containsKey(key) || mirror == null || MirrorPods.isTerminating(mirror)
                    || !status.uid().equals(MirrorPods.mirrorHash(mirror))) {
                continue;
            }
            reportManifestError(key, status.manifestError());
            String mirrorUid = MirrorPods.uid(mirror);
            Map<String, StatusMapper.Transition> conds = transitions.computeIfAbsent(key, k -> new HashMap<>());
            Map<String, StatusMapper.Transition> before = Map.copyOf(conds);
            ObjectNode v1 = StatusMapper.toV1(status, facts.internalIp(), wall, conds);
            Written last = written.get(key);
            if (last != null && last.mirrorUid.equals(mirrorUid) && last.status.equals(v1)) {
                continue;
            }
            try {
                Pod updated = client.pods().inNamespace(key.namespace()).withName(key.name()).subresource("status")
                        .patch(PatchContext.of(PatchType.JSON), statusPatch(mirror, v1).toString());
                written.put(key, new Written(mirrorUid, v1));
                mirrors.statusWritten(key, updated);
            } catch (KubernetesClientException ex) {
                conds.clear();
                conds.putAll(before);
                if (Failures.isTransient(ex)) {
                    pass.failed(ex);
                    continue;
                }
                // gone or replaced meanwhile (404, 409) or refused: the watch brings the new mirror, then we write
                log.debug("Pod status not written pod={} code={} error={}", key, ex.getCode(), Failures.message(ex));
            }
        }
    }

    /**
     * A JSON patch: the mirror's UID as a precondition (a {@code test}, as the kubelet puts the UID in its patch),
     * then each of our status fields set whole, lists included (a merge patch would merge lists on some servers).
     * Fields the API server set (qosClass) stay.
     */
    private static com.fasterxml.jackson.databind.node.ArrayNode statusPatch(Pod mirror, ObjectNode v1) {
        var ops = JsonNodeFactory.instance.arrayNode();
        ops.addObject().put("op", "test").put("path", "/metadata/uid").put("value", MirrorPods.uid(mirror));
        if (mirror.getStatus() == null) {
            ops.addObject().put("op", "add").put("path", "/status").putObject("value");
        }
        v1.properties().forEach(f -> {
            if (!f.getValue().isNull()) {
                ops.addObject().put("op", "add").put("path", "/status/" + f.getKey()).set("value", f.getValue());
            }
        });
        return ops;
    }

    private void reportManifestError(PodKey key, String error) {
        if (error == null) {
            manifestErrorsReported.remove(key);
        } else if (!error.equals(manifestErrorsReported.get(key))) {
            manifestErrorsReported.put(key, error);
            events.offer(key, new PodEvent(PodEvent.Type.Warning, "FailedValidation", error, null), clock.instant());
        }
    }

    /** What the informer saw, queued for the worker. */
    private record Observed(Pod pod, boolean deleted) {
    }

    /** The status last written to a mirror, by mirror UID. */
    private record Written(String mirrorUid, ObjectNode status) {
    }
}
