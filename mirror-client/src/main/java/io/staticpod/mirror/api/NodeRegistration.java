package io.staticpod.mirror.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The first step of a pass: the Node object, as the kubelet's {@code registerWithAPIServer}. Registers it when absent
 * (labels, addresses, capacity, the Ready condition), or finds it and adds the labels it lacks; learns its UID, which
 * the Lease and every mirror pod name as owner. Until the UID is known the other steps wait. A refusal (the node's
 * credentials, NodeRestriction) is logged once per message at ERROR and tried again every {@link Timing#resync()}.
 */
final class NodeRegistration implements Step {
    private static final Logger log = LoggerFactory.getLogger(NodeRegistration.class);

    private final RawRequests raw;
    private final NodeFacts facts;
    private final InstantSource wall;
    private final Timing timing;
    private final RuntimeHealth health;
    private final Runnable registered;
    private final Instant startedAt;
    private final Retry retry;
    private String nodeUid;
    private String refusalLogged;

    /**
     * @param health     the runtime's health, for the Ready condition of a Node registered here
     * @param startedAt  when this client started: the transition time of the Node's pressure conditions
     * @param registered called when the Node's UID is learnt, the first time and after {@link #forget()}
     */
    NodeRegistration(RawRequests raw, NodeFacts facts, InstantSource wall, Timing timing,
                     RuntimeHealth health, Instant startedAt, Runnable registered) {
        this.raw = raw;
        this.facts = facts;
        this.wall = wall;
        this.timing = timing;
        this.health = health;
        this.registered = registered;
        this.startedAt = startedAt;
        this.retry = new Retry("Node registration", "node=" + facts.name(), timing);
    }

    /** The Node's UID, or null while it is not registered. */
    String nodeUid() {
        return nodeUid;
    }

    /** When this client started: the transition time of the Node's pressure conditions. */
    Instant startedAt() {
        return startedAt;
    }

    /** The Node was deleted from the API server: register it again in the next pass. */
    void forget() {
        log.warn("Node was deleted from the API server, registering it again node={}", facts.name());
        nodeUid = null;
    }

    @Override
    public void run(long now) {
        if (nodeUid != null || !retry.ready(now)) {
            return;
        }
        try {
            JsonNode node = raw.get(path());
            if (node == null) {
                node = create();
            } else {
                addMissingLabels(node);
                log.info("Node already registered node={}", facts.name());
            }
            nodeUid = node.path("metadata").path("uid").asText(null);
            retry.succeeded();
            refusalLogged = null;
            registered.run();
        } catch (KubernetesClientException e) {
            if (Failures.stopsPass(e)) {
                throw e;
            }
            if (Failures.isTransient(e)) {
                retry.failed(now, e);
                return;
            }
            retry.hold(now, timing.resync());
            String message = Failures.message(e);
            if (!message.equals(refusalLogged)) {
                refusalLogged = message;
                log.error("Cannot register node; static pods keep running but get no mirror pods; check the "
                        + "kubeconfig's credentials (CN=system:node:<node>, O=system:nodes) and --node-labels "
                        + "node={} code={} error={}", facts.name(), e.getCode(), message);
            }
        }
    }

    private String path() {
        return "/api/v1/nodes/" + facts.name();
    }

    private JsonNode create() {
        try {
            JsonNode node = raw.create("/api/v1/nodes",
                    NodeObjects.node(facts, health.get(), wall.instant(), startedAt));
            log.info("Registered node node={}", facts.name());
            return node;
        } catch (KubernetesClientException e) {
            if (!Failures.isConflict(e)) {
                throw e;
            }
            JsonNode node = raw.get(path()); // registered meanwhile (an answer lost)
            if (node == null) {
                throw e;
            }
            return node;
        }
    }

    private void addMissingLabels(JsonNode node) {
        JsonNode have = node.path("metadata").path("labels");
        Map<String, String> missing = new LinkedHashMap<>();
        NodeObjects.labels(facts).forEach((k, v) -> {
            if (!v.equals(have.path(k).asText(null))) {
                missing.put(k, v);
            }
        });
        if (!missing.isEmpty()) {
            ObjectNode patch = JsonNodeFactory.instance.objectNode();
            ObjectNode labels = patch.putObject("metadata").putObject("labels");
            missing.forEach(labels::put);
            raw.patch(path(), PatchType.JSON_MERGE, patch.toString(), null);
            log.info("Updated node labels node={} labels={}", facts.name(), missing.keySet());
        }
    }

    @Override
    public long nextIn(long now) {
        return nodeUid != null ? Long.MAX_VALUE : retry.timerNanos(now);
    }

    @Override
    public void crashed(long now, Throwable e) {
        retry.crashed(now, e);
    }
}
