package io.staticpod.manifest;

import com.fasterxml.jackson.databind.JsonNode;

import static io.staticpod.manifest.PodValidator.list;

import java.util.Map;

/**
 * Static pods may not reference API objects: a node agent that must work without an API server cannot depend on
 * secrets, configmaps or service accounts (and NodeRestriction would refuse the mirror pod). The wording is the
 * kubelet's ({@code podutil.HasAPIObjectReference}, gate PreventStaticPodAPIReferences), so searches for it
 * find both. Unlike the kubelet, every reference is reported, not only the first.
 */
final class ApiReferenceRules {
    /** Volume source → the resource it references; sources not listed (hostPath, nfs, …) are allowed. */
    private static final Map<String, String> VOLUME_SOURCES = Map.of(
            "configMap", "configmaps (via configmap volumes)",
            "secret", "secrets (via secret volumes)",
            "csi", "csidrivers (via CSI volumes)",
            "glusterfs", "endpoints (via glusterFS volumes)",
            "persistentVolumeClaim", "persistentvolumeclaims",
            "ephemeral", "persistentvolumeclaims (via ephemeral volumes)",
            "azureFile", "secrets (via azureFile volumes)");
    private static final Map<String, String> PROJECTED_SOURCES = Map.of(
            "configMap", "configmaps (via projected volumes)",
            "secret", "secrets (via projected volumes)",
            "serviceAccountToken", "serviceaccounts (via projected volumes)",
            "clusterTrustBundle", "clustertrustbundles",
            "podCertificate", "podcertificates");

    private final Problems problems;

    private ApiReferenceRules(Problems problems) {
        this.problems = problems;
    }

    static void check(JsonNode spec, Problems problems) {
        new ApiReferenceRules(problems).check(spec);
    }

    private void check(JsonNode spec) {
        for (String field : new String[] {"serviceAccountName", "serviceAccount"}) {
            if (!spec.path(field).asText("").isEmpty()) {
                reject("spec." + field, "serviceaccounts");
            }
        }
        if (list(spec, "imagePullSecrets").size() > 0) {
            reject("spec.imagePullSecrets", "secrets");
        }
        if (list(spec, "resourceClaims").size() > 0) {
            reject("spec.resourceClaims", "resourceclaims");
        }
        for (String list : new String[] {"initContainers", "containers", "ephemeralContainers"}) {
            JsonNode containers = list(spec, list);
            for (int i = 0; i < containers.size(); i++) {
                checkContainer(containers.get(i), "spec." + list + "[" + i + "]");
            }
        }
        JsonNode volumes = list(spec, "volumes");
        for (int i = 0; i < volumes.size(); i++) {
            checkVolume(volumes.get(i), "spec.volumes[" + i + "]");
        }
    }

    private void checkContainer(JsonNode container, String path) {
        JsonNode env = list(container, "env");
        for (int i = 0; i < env.size(); i++) {
            String valueFrom = path + ".env[" + i + "].valueFrom";
            JsonNode source = env.get(i).path("valueFrom");
            if (present(source, "secretKeyRef")) {
                reject(valueFrom + ".secretKeyRef", "secrets");
            }
            if (present(source, "configMapKeyRef")) {
                reject(valueFrom + ".configMapKeyRef", "configmaps");
            }
        }
        JsonNode envFrom = list(container, "envFrom");
        for (int i = 0; i < envFrom.size(); i++) {
            String item = path + ".envFrom[" + i + "]";
            if (present(envFrom.get(i), "secretRef")) {
                reject(item + ".secretRef", "secrets");
            }
            if (present(envFrom.get(i), "configMapRef")) {
                reject(item + ".configMapRef", "configmaps");
            }
        }
    }

    private void checkVolume(JsonNode volume, String path) {
        volume.fieldNames().forEachRemaining(source -> {
            if (VOLUME_SOURCES.containsKey(source) && present(volume, source)) {
                reject(path + "." + source, VOLUME_SOURCES.get(source));
            }
        });
        JsonNode sources = list(volume.path("projected"), "sources");
        for (int i = 0; i < sources.size(); i++) {
            String item = path + ".projected.sources[" + i + "]";
            JsonNode source = sources.get(i);
            source.fieldNames().forEachRemaining(kind -> {
                if (PROJECTED_SOURCES.containsKey(kind) && present(source, kind)) {
                    reject(item + "." + kind, PROJECTED_SOURCES.get(kind));
                }
            });
        }
    }

    private static boolean present(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        return n != null && !n.isNull();
    }

    private void reject(String path, String resource) {
        problems.error(path, "static pods may not reference " + resource);
    }
}
