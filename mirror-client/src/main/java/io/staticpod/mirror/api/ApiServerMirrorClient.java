package io.staticpod.mirror.api;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;
import io.staticpod.mirror.MirrorClient;
import io.staticpod.mirror.NodeReadiness;
import io.staticpod.mirror.PodEvent;
import io.staticpod.mirror.PodStatus;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The mirror client against a real API server (fabric8): a thin coordinator. Every public method hands its input to
 * the step it concerns and wakes the worker; none waits for the API server. The worker, one thread, runs a pass: the
 * steps in order, each at one of the kubelet's seams and each with its own failures and back-off:
 * <ol>
 *   <li>{@link NodeRegistration}: the Node object and its UID (the others wait for it);</li>
 *   <li>{@link NodeHeartbeat}: the Lease and the Node's status;</li>
 *   <li>{@link MirrorPodSync}: create, replace and delete mirror pods, fed by the {@link PodWatch};</li>
 *   <li>{@link PodStatusWriter}: {@code PATCH pods/<name>/status};</li>
 *   <li>{@link EventSender}: the events of the {@link EventBuffer}.</li>
 * </ol>
 * A request that got no answer, or a 429, stops the pass and closes the {@link ServerGate} until its back-off or the
 * server's Retry-After has passed. The next pass comes when a step is next due, or at once on a new input. Every
 * timing decision reads the injected {@link Ticker}; the {@link InstantSource} gives only the times written into
 * objects.
 */
public final class ApiServerMirrorClient implements MirrorClient {
    private final KubernetesClient client;
    private final NodeFacts facts;
    private final Ticker ticker;
    private final Timing timing;
    private final Worker worker;
    private final ServerGate gate;
    private final DesiredPods desired;
    private final RuntimeHealth health;
    private final EventBuffer events;
    private final PodWatch watch;
    private final NodeRegistration registration;
    private final NodeHeartbeat heartbeat;
    private final MirrorPodSync mirrors;
    private final PodStatusWriter statuses;
    private final List<Step> steps;
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean closed;

    /**
     * @param client a client for the node's credentials; closed by {@link #close()}
     * @param facts  the node's name, labels, address, capacity and versions
     * @param wall      the time written into objects (config.seen, conditions, Lease, events)
     * @param readiness the container runtime's health, read for the Node's Ready condition
     */
    public ApiServerMirrorClient(KubernetesClient client, NodeFacts facts, InstantSource wall, Timing timing,
                                 NodeReadiness readiness) {
        this(client, facts, wall, Ticker.SYSTEM, timing, Worker.thread("mirror-client"), readiness);
    }

    ApiServerMirrorClient(KubernetesClient client, NodeFacts facts, InstantSource wall, Ticker ticker, Timing timing,
                          Worker worker, NodeReadiness readiness) {
        this.client = Objects.requireNonNull(client, "client");
        this.facts = Objects.requireNonNull(facts, "facts");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.timing = Objects.requireNonNull(timing, "timing");
        this.worker = Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(wall, "wall");
        RawRequests raw = new RawRequests(client);
        this.gate = new ServerGate(facts.name(), timing);
        this.desired = new DesiredPods(wall);
        this.events = new EventBuffer(wall, ticker);
        this.watch = new PodWatch(client, facts.name(), () -> {
            gate.watchAnswered();
            wake();
        });
        Instant startedAt = wall.instant();
        this.health = new RuntimeHealth(wall, startedAt, Objects.requireNonNull(readiness, "readiness"));
        this.registration = new NodeRegistration(raw, facts, wall, timing, health, startedAt,
                this::registered);
        this.heartbeat = new NodeHeartbeat(raw, facts, wall, timing, registration, health);
        this.mirrors = new MirrorPodSync(raw, facts, timing, desired, registration, watch, events);
        this.statuses = new PodStatusWriter(raw, facts, wall, timing, desired, mirrors, events);
        this.steps = List.of(registration, heartbeat, mirrors, statuses,
                new EventSender(raw, facts.name(), timing, events, desired, mirrors));
    }

    @Override
    public void start() {
        if (started.compareAndSet(false, true)) {
            wake();
        }
    }

    @Override
    public void desiredPods(Map<PodKey, StaticPod> pods) {
        desired.set(pods);
        statuses.retain(pods.keySet());
        wake();
    }

    @Override
    public void podStatus(PodKey key, PodStatus status) {
        statuses.offer(key, status);
        wake();
    }

    @Override
    public void podEvent(PodKey key, PodEvent event) {
        events.offer(key, event);
        wake();
    }

    @Override
    public void close() {
        closed = true;
        worker.close();
        watch.stop();
        client.close();
    }

    @Override
    public String toString() {
        return "ApiServerMirrorClient[node=" + facts.name() + "]";
    }

    private void registered() {
        heartbeat.dueNow();
        mirrors.nodeChanged();
    }

    private void wake() {
        if (started.get() && !closed && wakePending.compareAndSet(false, true)) {
            worker.execute(this::pass);
        }
    }

    /** One pass over the steps; then the next is scheduled for when a step is due. Worker thread only. */
    void pass() {
        wakePending.set(false);
        if (closed) {
            return;
        }
        long now = ticker.nanos();
        if (!gate.open(now)) {
            worker.schedule(this::wake, Duration.ofNanos(gate.waitNanos(now))); // inputs wait for the gate
            return;
        }
        long next = timing.resync().toNanos(); // if a step's bookkeeping fails: the pass comes back all the same
        try {
            if (runSteps(now)) {
                gate.answered();
            }
            next = nextIn(now);
        } finally {
            if (!closed) {
                worker.schedule(this::wake, Duration.ofNanos(next));
            }
        }
    }

    /** The steps in order; false when one met an API server that did not answer (the pass stops there). */
    private boolean runSteps(long now) {
        for (Step step : steps) {
            try {
                step.run(now);
            } catch (KubernetesClientException e) {
                if (closed) {
                    return false; // interrupted by close(): nothing failed
                }
                if (!Failures.stopsPass(e)) {
                    step.crashed(now, e); // a step lets only these out: anything else is a bug
                    continue;
                }
                gate.failed(now, e);
                return false;
            } catch (RuntimeException | LinkageError | AssertionError e) {
                step.crashed(now, e); // a bug or a client in a bad state: the step backs off, the others go on
            }
        }
        return true;
    }

    /** When the next pass is due: the soonest step, not before the gate opens, at the latest after a resync. */
    private long nextIn(long now) {
        long soonest = timing.resync().toNanos();
        for (Step step : steps) {
            soonest = Math.min(soonest, step.nextIn(now));
        }
        return Math.max(gate.waitNanos(now), soonest);
    }
}
