package io.staticpod.mirror.api;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Node and Lease objects this agent writes, built from {@link NodeFacts}. Stateless. */
final class NodeObjects {
    static final String LEASE_NAMESPACE = "kube-node-lease";
    static final int LEASE_DURATION_SECONDS = 40;
    static final String HOSTNAME_LABEL = "kubernetes.io/hostname";
    static final String OS_LABEL = "kubernetes.io/os";
    static final String ARCH_LABEL = "kubernetes.io/arch";
    /** NodeRestriction refuses labels under this prefix from a node's own credentials. */
    static final String RESTRICTED_PREFIX = "node-restriction.kubernetes.io/";
    static final String READY_MESSAGE = "static-pod-agent is posting ready status";

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

    static Node node(NodeFacts facts, Health health, Instant now, Instant readySince) {
        return new NodeBuilder()
                .withNewMetadata().withName(facts.name()).withLabels(labels(facts)).endMetadata()
                .withStatus(status(facts, health, now, readySince))
                .build();
    }

    /** The status, Ready condition last as the kubelet keeps it. */
    static NodeStatus status(NodeFacts facts, Health health, Instant now, Instant readySince) {
        Map<String, Quantity> capacity = new LinkedHashMap<>();
        capacity.put("cpu", new Quantity(Integer.toString(facts.cpus())));
        capacity.put("memory", new Quantity(facts.memoryKi() + "Ki"));
        capacity.put("pods", new Quantity("110"));
        List<NodeCondition> conditions = new ArrayList<>();
        conditions.add(condition("MemoryPressure", "False", "KubeletHasSufficientMemory",
                "static-pod-agent has sufficient memory available", now, readySince));
        conditions.add(condition("DiskPressure", "False", "KubeletHasNoDiskPressure",
                "static-pod-agent has no disk pressure", now, readySince));
        conditions.add(condition("PIDPressure", "False", "KubeletHasSufficientPID",
                "static-pod-agent has sufficient PID available", now, readySince));
        conditions.add(health.ready()
                ? condition("Ready", "True", "KubeletReady", READY_MESSAGE, now, health.since())
                : condition("Ready", "False", "KubeletNotReady",
                "container runtime is down: " + health.message(), now, health.since()));
        NodeStatusBuilder status = new NodeStatusBuilder();
        if (facts.kubeletPort() > 0) {
            // where the API server sends kubectl logs and exec: InternalIP (or Hostname) and this port
            status.withNewDaemonEndpoints().withNewKubeletEndpoint().withPort(facts.kubeletPort())
                    .endKubeletEndpoint().endDaemonEndpoints();
        }
        return status
                .withCapacity(capacity)
                .withAllocatable(new LinkedHashMap<>(capacity))
                .withConditions(conditions)
                .addNewAddress().withType("InternalIP").withAddress(facts.internalIp()).endAddress()
                .addNewAddress().withType("Hostname").withAddress(facts.name()).endAddress()
                .withNewNodeInfo()
                .withKubeletVersion(facts.kubeletVersion())
                .withKubeProxyVersion(facts.kubeletVersion())
                .withContainerRuntimeVersion(facts.runtimeVersion())
                .withOperatingSystem("linux")
                .withArchitecture(facts.arch())
                .withKernelVersion(facts.kernelVersion())
                .withOsImage(facts.osImage())
                .withMachineID("").withSystemUUID("").withBootID("")
                .endNodeInfo()
                .build();
    }

    private static NodeCondition condition(String type, String status, String reason, String message, Instant now,
                                           Instant since) {
        return new NodeConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastHeartbeatTime(Times.time(now)).withLastTransitionTime(Times.time(since)).build();
    }

    static Lease lease(NodeFacts facts, String nodeUid, Instant now) {
        return new LeaseBuilder()
                .withNewMetadata().withName(facts.name()).withNamespace(LEASE_NAMESPACE)
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("Node")
                        .withName(facts.name()).withUid(nodeUid).build())
                .endMetadata()
                .withNewSpec().withHolderIdentity(facts.name()).withLeaseDurationSeconds(LEASE_DURATION_SECONDS)
                .withRenewTime(now.truncatedTo(java.time.temporal.ChronoUnit.MICROS).atZone(java.time.ZoneOffset.UTC))
                .endSpec()
                .build();
    }

    /**
     * The container runtime's health for the Ready condition.
     *
     * @param since when it last changed (the condition's lastTransitionTime)
     */
    record Health(boolean ready, String message, Instant since) {
    }
}
