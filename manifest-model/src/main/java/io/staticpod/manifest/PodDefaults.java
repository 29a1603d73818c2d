package io.staticpod.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.staticpod.manifest.model.ImagePullPolicy;
import io.staticpod.manifest.model.Lifecycle;
import io.staticpod.manifest.model.PodDns;
import io.staticpod.manifest.model.PodSpec;
import io.staticpod.manifest.model.SeccompProfile;

/**
 * The API's defaults that change what runs, in two groups.
 *
 * <p><b>In the tree</b> ({@link #apply}): namespace, {@code restartPolicy}, {@code terminationGracePeriodSeconds},
 * each container's {@code imagePullPolicy}, each port's {@code protocol} (and {@code hostPort} on the host network).
 * They are applied to the manifest tree in place, before the pod UID is computed from it, so that
 * {@code restartPolicy: Always} written out or left out is the same pod. This list is part of the UID's contract
 * ({@link PodIdentity}): adding to it would change the UID of pods that leave the new field out, and restart them.
 * Values of the wrong type are left alone: the schema check has reported them.
 *
 * <p><b>In the typed pod only</b> (applied by {@link PodBinder} and {@link ContainerBinder}, never to the tree):
 * {@code dnsPolicy} {@link #DNS_POLICY}; {@code terminationMessagePath} {@code /dev/termination-log} and
 * {@code terminationMessagePolicy} {@link #TERMINATION_MESSAGE_POLICY}; requests defaulted from limits; a
 * {@code resourceFieldRef}'s divisor 1 and, in an environment variable, its container; a downwardAPI volume's
 * {@code defaultMode} 0644, and each item's mode from it; the probes' period 10 s, timeout 1 s, thresholds 1 and 3,
 * {@code httpGet} scheme HTTP and path {@code /}; and what the kubelet, not the API, fills in: a container's
 * {@code runAsUser}, {@code runAsGroup}, {@code runAsNonRoot}, {@code seccompProfile} and
 * {@code supplementalGroups} from the pod's, {@code seccompProfile} {@link #SECCOMP_PROFILE}, and
 * {@code allowPrivilegeEscalation} {@value #ALLOW_PRIVILEGE_ESCALATION}. They reach the container hash, not the UID.
 */
final class PodDefaults {
    static final String DEFAULT_NAMESPACE = "default";
    static final long DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = PodSpec.DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS;
    static final PodDns.DnsPolicy DNS_POLICY = PodDns.DnsPolicy.ClusterFirst;
    static final Lifecycle.TerminationMessagePolicy TERMINATION_MESSAGE_POLICY = Lifecycle.TerminationMessagePolicy.File;
    /** The kubelet's default before SeccompDefault: no filter. */
    static final SeccompProfile SECCOMP_PROFILE = SeccompProfile.UNCONFINED;
    static final boolean ALLOW_PRIVILEGE_ESCALATION = true;

    private PodDefaults() {
    }

    static void apply(ObjectNode pod) {
        if (pod.get("metadata") instanceof ObjectNode metadata && isBlank(metadata.get("namespace"))) {
            metadata.put("namespace", DEFAULT_NAMESPACE);
        }
        if (!(pod.get("spec") instanceof ObjectNode spec)) {
            return;
        }
        if (isBlank(spec.get("restartPolicy"))) {
            spec.put("restartPolicy", "Always");
        }
        if (isAbsent(spec.get("terminationGracePeriodSeconds"))) {
            spec.put("terminationGracePeriodSeconds", DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS);
        }
        boolean hostNetwork = spec.path("hostNetwork").asBoolean(false);
        for (String list : new String[] {"initContainers", "containers"}) {
            for (JsonNode c : PodValidator.list(spec, list)) {
                if (c instanceof ObjectNode container) {
                    applyToContainer(container, hostNetwork);
                }
            }
        }
    }

    private static void applyToContainer(ObjectNode container, boolean hostNetwork) {
        if (isBlank(container.get("imagePullPolicy")) && container.path("image").isTextual()) {
            container.put("imagePullPolicy", pullPolicyFor(container.get("image").asText()).name());
        }
        for (JsonNode p : PodValidator.list(container, "ports")) {
            if (p instanceof ObjectNode port) {
                if (isBlank(port.get("protocol"))) {
                    port.put("protocol", "TCP");
                }
                // as the kubelet's defaultHostNetworkPorts: on the host network a port is a host port
                if (hostNetwork && port.path("containerPort").isIntegralNumber()
                        && (isAbsent(port.get("hostPort")) || port.path("hostPort").asLong(-1) == 0)) {
                    port.put("hostPort", port.get("containerPort").asInt());
                }
            }
        }
    }

    /** Always for {@code :latest} or no tag, IfNotPresent for any other tag or a digest (the API's rule). */
    static ImagePullPolicy pullPolicyFor(String image) {
        if (image.contains("@")) {
            return ImagePullPolicy.IfNotPresent;
        }
        String lastComponent = image.substring(image.lastIndexOf('/') + 1);
        int colon = lastComponent.lastIndexOf(':');
        if (colon < 0) {
            return ImagePullPolicy.Always;
        }
        return lastComponent.substring(colon + 1).equals("latest") ? ImagePullPolicy.Always
                : ImagePullPolicy.IfNotPresent;
    }

    private static boolean isAbsent(JsonNode n) {
        return n == null || n.isNull();
    }

    private static boolean isBlank(JsonNode n) {
        return isAbsent(n) || (n.isTextual() && n.asText().isEmpty());
    }
}
