package io.staticpod.mirror.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;
import io.staticpod.manifest.WellKnown;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The mirror pod objects: building one from a static pod, reading one (its key, UID, hash), and telling whether an
 * existing one still mirrors its static pod.
 *
 * <p>Why the spec check compares only images, activeDeadlineSeconds and tolerations: the API server lets a pod's
 * spec change in exactly these fields ({@code ValidatePodUpdate}); everything else is immutable, so an edit through
 * the API ({@code kubectl edit}, {@code kubectl set image}) can only show there. The comparison is against what the
 * API server returned when the mirror was created (admission may have mutated it then), or, for a mirror found
 * from an earlier run, against the manifest's images and deadline. Stateless.
 *
 * <p>Why pods are fabric8's {@link GenericKubernetesResource} (typed metadata, the rest as maps) and not its typed
 * {@code Pod}: Jackson's reading of the typed model reaches about 800 classes (each kind with its builder and fluent),
 * which cost the agent 10-15 MiB of memory for the few fields read here; for the same reason the client's
 * serialization does not search the class path for every resource class ({@link #JSON}).
 */
final class MirrorPodObjects {
    /** The JSON mapper of the client and of the objects this package writes and reads. */
    static final ObjectMapper MAPPER = new ObjectMapper();
    /** fabric8's serialization over {@link #MAPPER}, without the class path search for resource classes. */
    static final KubernetesSerialization JSON = new KubernetesSerialization(MAPPER, false);
    /** Pods, v1, for the client's generic resource calls (no discovery request). */
    static final ResourceDefinitionContext PODS = new ResourceDefinitionContext.Builder().withGroup("")
            .withVersion("v1").withKind("Pod").withPlural("pods").withNamespaced(true).build();

    private MirrorPodObjects() {
    }

    /**
     * The mirror of a static pod: its manifest as is, without server-set metadata and status, with
     * {@code config.mirror}, {@code config.seen} (when missing, in UTC) and one controller owner reference to the Node.
     */
    static ObjectNode build(StaticPod sp, String nodeName, String nodeUid, Instant firstSeen) {
        ObjectNode tree = sp.tree().copy();
        tree.remove("status");
        ObjectNode metadata = tree.has("metadata") && tree.get("metadata").isObject()
                ? (ObjectNode) tree.get("metadata") : tree.putObject("metadata");
        for (String serverSet : List.of("uid", "resourceVersion", "selfLink", "creationTimestamp", "generation",
                "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "ownerReferences",
                "finalizers", "generateName")) {
            metadata.remove(serverSet);
        }
        metadata.put("name", sp.key().name());
        metadata.put("namespace", sp.key().namespace());
        ObjectNode annotations = metadata.get("annotations") instanceof ObjectNode a ? a
                : metadata.putObject("annotations");
        annotations.put(WellKnown.CONFIG_HASH, sp.uid());
        if (!annotations.hasNonNull(WellKnown.CONFIG_SOURCE)) {
            annotations.put(WellKnown.CONFIG_SOURCE, WellKnown.SOURCE_FILE);
        }
        if (!annotations.hasNonNull(WellKnown.CONFIG_SEEN)) {
            annotations.put(WellKnown.CONFIG_SEEN, Times.nano(firstSeen, ZoneOffset.UTC));
        }
        annotations.put(WellKnown.CONFIG_MIRROR, sp.uid());
        metadata.putArray("ownerReferences").addObject().put("apiVersion", "v1").put("kind", "Node")
                .put("name", nodeName).put("uid", nodeUid).put("controller", true);
        tree.put("apiVersion", "v1");
        tree.put("kind", "Pod");
        return tree;
    }

    /** A pod as the API server sent it. */
    static GenericKubernetesResource read(JsonNode answer) {
        return JSON.convertValue(answer, GenericKubernetesResource.class);
    }

    static PodKey key(GenericKubernetesResource pod) {
        return new PodKey(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
    }

    static String uid(GenericKubernetesResource pod) {
        return pod.getMetadata().getUid();
    }

    /** The {@code kubernetes.io/config.mirror} annotation, or null for a pod that is no mirror. */
    static String mirrorHash(GenericKubernetesResource pod) {
        Map<String, String> a = pod.getMetadata().getAnnotations();
        return a == null ? null : a.get(WellKnown.CONFIG_MIRROR);
    }

    /** A mirror pod of this node (whoever created it). */
    static boolean isMirrorOn(GenericKubernetesResource pod, String nodeName) {
        return mirrorHash(pod) != null && nodeName.equals(pod.get("spec", "nodeName"));
    }

    static boolean isTerminating(GenericKubernetesResource pod) {
        return pod.getMetadata().getDeletionTimestamp() != null;
    }

    /** Whether the pod has a status at all (a JSON patch adds to {@code /status} only when it exists). */
    static boolean hasStatus(GenericKubernetesResource pod) {
        return pod.getAdditionalProperties().get("status") != null;
    }

    /** The fields of a pod's spec the API server lets a client change, in one comparable string. */
    static String mutableSpec(GenericKubernetesResource pod) {
        JsonNode spec = spec(pod);
        return images(spec.path("initContainers")) + "|" + images(spec.path("containers")) + "|"
                + deadline(spec) + "|" + spec.path("tolerations");
    }

    /** Whether a mirror from an earlier run carries the static pod's images and deadline. */
    static boolean matchesManifest(GenericKubernetesResource mirror, StaticPod sp) {
        JsonNode have = spec(mirror);
        JsonNode want = sp.tree().copy().path("spec");
        return images(have.path("initContainers")).equals(images(want.path("initContainers")))
                && images(have.path("containers")).equals(images(want.path("containers")))
                && Objects.equals(deadline(have), deadline(want));
    }

    /** What the pod's containers run, {@code name=image} in spec order, for a person to read. */
    static String images(GenericKubernetesResource pod) {
        return images(spec(pod).path("containers"));
    }

    private static JsonNode spec(GenericKubernetesResource pod) {
        Object spec = pod.getAdditionalProperties().get("spec");
        return spec == null ? MissingNode.getInstance() : MAPPER.valueToTree(spec);
    }

    private static Long deadline(JsonNode spec) {
        return spec.hasNonNull("activeDeadlineSeconds") ? spec.get("activeDeadlineSeconds").asLong() : null;
    }

    private static String images(JsonNode containers) {
        StringBuilder b = new StringBuilder();
        for (JsonNode c : containers) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(c.path("name").asText()).append('=').append(c.path("image").asText());
        }
        return b.toString();
    }
}
