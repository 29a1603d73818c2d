package io.staticpod.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.staticpod.manifest.model.ImagePullPolicy;

/**
 * The API's defaults that change what runs, applied to the manifest tree in place (so that they are part of the
 * hashed pod, and {@code restartPolicy: Always} written out or left out is the same pod). Values of the wrong type
 * are left alone: the schema check has reported them.
 */
final class PodDefaults {
    static final String DEFAULT_NAMESPACE = "default";
    static final long DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;

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
