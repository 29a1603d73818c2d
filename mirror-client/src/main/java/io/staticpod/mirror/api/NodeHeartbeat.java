package io.staticpod.mirror.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.Set;

/**
 * The second step of a pass: the node's heartbeat, as the kubelet's lease controller and node status loop. Renews the
 * Lease in {@code kube-node-lease} every {@link Timing#leaseRenew()} (creating it when missing), and writes the
 * Node's status every {@link Timing#nodeStatus()} and as soon as the runtime's health it reads (every
 * {@link #HEALTH_POLL}) changed, with a strategic merge patch, as the kubelet: conditions merge by type, so those of
 * other writers stay. Each of the two has its own
 * back-off; a refusal is logged once per message at ERROR and tried again when next due.
 */
final class NodeHeartbeat implements Step {
    private static final Logger log = LoggerFactory.getLogger(NodeHeartbeat.class);
    /** How often the runtime's health is read between status writes: a change is written within it. */
    static final Duration HEALTH_POLL = Duration.ofSeconds(1);

    private final RawRequests raw;
    private final NodeFacts facts;
    private final InstantSource wall;
    private final Timing timing;
    private final NodeRegistration registration;
    private final Retry leaseRetry;
    private final Retry statusRetry;
    private final Set<String> refusalsLogged = new HashSet<>();
    private final RuntimeHealth health;
    private NodeObjects.Health healthWritten;
    private boolean leaseDueNow = true;
    private long leaseDue;
    private boolean statusDueNow = true;
    private long statusDue;

    NodeHeartbeat(RawRequests raw, NodeFacts facts, InstantSource wall, Timing timing,
                  NodeRegistration registration, RuntimeHealth health) {
        this.raw = raw;
        this.facts = facts;
        this.wall = wall;
        this.timing = timing;
        this.registration = registration;
        this.health = health;
        this.leaseRetry = new Retry("Lease renewal", "node=" + facts.name(), timing);
        this.statusRetry = new Retry("Node status update", "node=" + facts.name(), timing);
    }

    /** The Node was (re-)registered: renew and write at once. */
    void dueNow() {
        leaseDueNow = true;
        statusDueNow = true;
    }

    @Override
    public void run(long now) {
        if (registration.nodeUid() == null) {
            return;
        }
        Instant time = wall.instant();
        if ((leaseDueNow || now - leaseDue >= 0) && leaseRetry.ready(now)) {
            leaseDueNow = attempt("Lease renewal", leaseRetry, now, timing.leaseRenew(), () -> renewLease(time));
            leaseDue = now + timing.leaseRenew().toNanos();
        }
        NodeObjects.Health h = health.get();
        if ((statusDueNow || now - statusDue >= 0 || !h.equals(healthWritten)) && statusRetry.ready(now)) {
            statusDueNow = attempt("Node status update", statusRetry, now, timing.nodeStatus(),
                    () -> writeStatus(h, time));
            statusDue = now + timing.nodeStatus().toNanos();
        }
    }

    /**
     * Runs one request. A failure is its own: a transient one backs off and stays due (true: try again once the
     * back-off allows); a refusal is logged once and waits for the next period (false, as after a success).
     */
    private boolean attempt(String what, Retry retry, long now, Duration period, Runnable request) {
        try {
            request.run();
            retry.succeeded();
            return false;
        } catch (KubernetesClientException e) {
            if (Failures.stopsPass(e)) {
                throw e;
            }
            if (Failures.isTransient(e) || Failures.isConflict(e)) {
                retry.failed(now, e);
                return true;
            }
            retry.hold(now, period);
            if (refusalsLogged.add(what + ": " + Failures.message(e))) {
                log.error("{} refused by the API server; check the node's credentials and the API server's admission "
                        + "node={} code={} error={}", what, facts.name(), e.getCode(), Failures.message(e));
            }
            return false;
        }
    }

    private void renewLease(Instant time) {
        ObjectNode patch = JsonNodeFactory.instance.objectNode();
        patch.putObject("spec").put("holderIdentity", facts.name())
                .put("leaseDurationSeconds", NodeObjects.LEASE_DURATION_SECONDS)
                .put("renewTime", Times.micro(time));
        try {
            raw.patch("/apis/coordination.k8s.io/v1/namespaces/" + NodeObjects.LEASE_NAMESPACE + "/leases/"
                    + facts.name(), PatchType.JSON_MERGE, patch.toString(), null);
        } catch (KubernetesClientException e) {
            if (!Failures.isNotFound(e)) {
                throw e;
            }
            raw.create("/apis/coordination.k8s.io/v1/namespaces/" + NodeObjects.LEASE_NAMESPACE + "/leases",
                    NodeObjects.lease(facts, registration.nodeUid(), time));
        }
    }

    private void writeStatus(NodeObjects.Health h, Instant time) {
        ObjectNode patch = JsonNodeFactory.instance.objectNode();
        patch.set("status", NodeObjects.status(facts, h, time, registration.startedAt()));
        try {
            raw.patch("/api/v1/nodes/" + facts.name() + "/status", PatchType.STRATEGIC_MERGE, patch.toString(), null);
        } catch (KubernetesClientException e) {
            if (!Failures.isNotFound(e)) {
                throw e;
            }
            registration.forget();
            return;
        }
        if (healthWritten != null && healthWritten.ready() != h.ready()) {
            log.info("Node condition Ready changed node={} ready={} message={}", facts.name(), h.ready(),
                    h.message());
        }
        healthWritten = h;
    }

    @Override
    public long nextIn(long now) {
        if (registration.nodeUid() == null) {
            return Long.MAX_VALUE;
        }
        long lease = Math.max(leaseDueNow ? 0 : leaseDue - now, leaseRetry.waitNanos(now));
        long status = Math.max(statusDueNow || !health.get().equals(healthWritten) ? 0
                : Math.min(statusDue - now, HEALTH_POLL.toNanos()), statusRetry.waitNanos(now));
        // what is due now ran in this pass unless the gate stopped it: never a reason by itself to come back at once
        return Math.max(1, Math.min(lease, status));
    }

    @Override
    public void crashed(long now, Throwable e) {
        leaseRetry.crashed(now, e);
        statusRetry.crashed(now, e);
    }
}
