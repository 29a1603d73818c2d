package io.staticpod.mirror.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The Node and Lease objects this agent writes, built from {@link NodeFacts}, as JSON. Stateless. */
final class NodeObjects {
    static final String LEASE_NAMESPACE = "kube-node-lease";
    static final int LEASE_DURATION_SECONDS = 40;
    static final String HOSTNAME_LABEL = "kubernetes.io/hostname";
    static final String OS_LABEL = "kubernetes.io/os";
    static final String ARCH_LABEL = "kubernetes.io/arch";
    /** NodeRestriction refuses labels under this prefix from a node's own credentials. */
    static final String RESTRICTED_PREFIX = "node-restriction.kubernetes.io/";
    static final String READY_MESSAGE = "static-pod-agent is posting ready status";
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private NodeObjects() {
    }

    /** The labels the Node carries: {@code --node-labels} (without restricted ones) and the three defaults. */
    static Map<String, String> labels(NodeFacts facts) {
        Map<String, String> labels = new LinkedHashMap<>();
        facts.labels().forEach((k, v) -> {
            if (!k.startsWith(RESTRICTED_PREFIX)) {
                labels.put(k, v);
            }
        });
        labels.put(HOSTNAME_LABEL, facts.name());
        labels.put(OS_LABEL, "linux");
        labels.put(ARCH_LABEL, facts.arch());
        return labels;
    }

    static ObjectNode node(NodeFacts facts, Health health, Instant now, Instant readySince) {
        ObjectNode node = F.objectNode().put("apiVersion", "v1").put("kind", "Node");
        ObjectNode labels = node.putObject("metadata").put("name", facts.name()).putObject("labels");
        labels(facts).forEach(labels::put);
        node.set("status", status(facts, health, now, readySince));
        return node;
    }

    /** The status, Ready condition last as the kubelet keeps it. */
    static ObjectNode status(NodeFacts facts, Health health, Instant now, Instant readySince) {
        ObjectNode status = F.objectNode();
        ObjectNode capacity = status.putObject("capacity").put("cpu", Integer.toString(facts.cpus()))
                .put("memory", facts.memoryKi() + "Ki").put("pods", "110");
        status.set("allocatable", capacity.deepCopy());
        ArrayNode conditions = status.putArray("conditions");
        condition(conditions, "MemoryPressure", "False", "KubeletHasSufficientMemory",
                "static-pod-agent has sufficient memory available", now, readySince);
        condition(conditions, "DiskPressure", "False", "KubeletHasNoDiskPressure",
                "static-pod-agent has no disk pressure", now, readySince);
        condition(conditions, "PIDPressure", "False", "KubeletHasSufficientPID",
                "static-pod-agent has sufficient PID available", now, readySince);
        if (health.ready()) {
            condition(conditions, "Ready", "True", "KubeletReady", READY_MESSAGE, now, health.since());
        } else {
            condition(conditions, "Ready", "False", "KubeletNotReady",
                    "container runtime is down: " + health.message(), now, health.since());
        }
        ArrayNode addresses = status.putArray("addresses");
        addresses.addObject().put("type", "InternalIP").put("address", facts.internalIp());
        addresses.addObject().put("type", "Hostname").put("address", facts.name());
        if (facts.kubeletPort() > 0) {
            // where the API server sends kubectl logs and exec: InternalIP (or Hostname) and this port
            status.putObject("daemonEndpoints").putObject("kubeletEndpoint").put("Port", facts.kubeletPort());
        }
        status.putObject("nodeInfo")
                .put("machineID", "").put("systemUUID", "").put("bootID", "")
                .put("kernelVersion", facts.kernelVersion())
                .put("osImage", facts.osImage())
                .put("containerRuntimeVersion", facts.runtimeVersion())
                .put("kubeletVersion", facts.kubeletVersion())
                .put("kubeProxyVersion", facts.kubeletVersion())
                .put("operatingSystem", "linux")
                .put("architecture", facts.arch());
        return status;
    }

    private static void condition(ArrayNode conditions, String type, String status, String reason, String message,
                                  Instant now, Instant since) {
        conditions.addObject().put("type", type).put("status", status)
                .put("lastHeartbeatTime", Times.time(now)).put("lastTransitionTime", Times.time(since))
                .put("reason", reason).put("message", message);
    }

    static ObjectNode lease(NodeFacts facts, String nodeUid, Instant now) {
        ObjectNode lease = F.objectNode().put("apiVersion", "coordination.k8s.io/v1").put("kind", "Lease");
        ObjectNode metadata = lease.putObject("metadata").put("name", facts.name()).put("namespace", LEASE_NAMESPACE);
        metadata.putArray("ownerReferences").addObject().put("apiVersion", "v1").put("kind", "Node")
                .put("name", facts.name()).put("uid", nodeUid);
        lease.putObject("spec").put("holderIdentity", facts.name())
                .put("leaseDurationSeconds", LEASE_DURATION_SECONDS).put("renewTime", Times.micro(now));
        return lease;
    }
    /**
     * The container runtime's health for the Ready condition.
     *
     * @param since when it last changed (the condition's lastTransitionTime)
     */
    record Health(boolean ready, String message, Instant since) {
    }
}
