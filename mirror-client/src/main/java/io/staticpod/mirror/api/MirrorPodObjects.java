package io.staticpod.mirror.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;
import io.staticpod.manifest.WellKnown;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The mirror pod objects: building one from a static pod, reading one (its key, UID, hash), and telling whether an
 * existing one still mirrors its static pod.
 *
 * <p>Why the spec check compares only images, activeDeadlineSeconds and tolerations: the API server lets a pod's
 * spec change in exactly these fields ({@code ValidatePodUpdate}); everything else is immutable, so an edit through
 * the API ({@code kubectl edit}, {@code kubectl set image}) can only show there. The comparison is against what the
 * API server returned when the mirror was created (admission may have mutated it then), or, for a mirror found
 * from an earlier run, against the manifest's images and deadline. Stateless.
 */
final class MirrorPodObjects {
    static final KubernetesSerialization JSON = new KubernetesSerialization();

    private MirrorPodObjects() {
    }

    /**
     * The mirror of a static pod: its manifest as is, without server-set metadata and status, with
     * {@code config.mirror}, {@code config.seen} (when missing, in UTC) and one controller owner reference to the Node.
     */
    static Pod build(StaticPod sp, String nodeName, String nodeUid, Instant firstSeen) {
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
        tree.put("apiVersion", "v1");
        tree.put("kind", "Pod");
        Pod pod = JSON.convertValue(tree, Pod.class);
        pod.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder()
                .withApiVersion("v1").withKind("Node").withName(nodeName).withUid(nodeUid).withController(true)
                .build()));
        return pod;
    }

    static PodKey key(Pod pod) {
        return new PodKey(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
    }

    static String uid(Pod pod) {
        return pod.getMetadata().getUid();
    }

    /** The {@code kubernetes.io/config.mirror} annotation, or null for a pod that is no mirror. */
    static String mirrorHash(Pod pod) {
        Map<String, String> a = pod.getMetadata().getAnnotations();
        return a == null ? null : a.get(WellKnown.CONFIG_MIRROR);
    }

    /** A mirror pod of this node (whoever created it). */
    static boolean isMirrorOn(Pod pod, String nodeName) {
        return mirrorHash(pod) != null && pod.getSpec() != null && nodeName.equals(pod.getSpec().getNodeName());
    }

    static boolean isTerminating(Pod pod) {
        return pod.getMetadata().getDeletionTimestamp() != null;
    }

    /** The fields of a pod's spec the API server lets a client change, in one comparable string. */
    static String mutableSpec(Pod pod) {
        return images(pod.getSpec().getInitContainers()) + "|" + images(pod.getSpec().getContainers()) + "|"
                + pod.getSpec().getActiveDeadlineSeconds() + "|" + tolerations(pod.getSpec().getTolerations());
    }

    /** Whether a mirror from an earlier run carries the static pod's images and deadline. */
    static boolean matchesManifest(Pod mirror, StaticPod sp) {
        JsonNode spec = sp.tree().copy().path("spec");
        return images(mirror.getSpec().getInitContainers()).equals(images(spec.path("initContainers")))
                && images(mirror.getSpec().getContainers()).equals(images(spec.path("containers")))
                && Objects.equals(mirror.getSpec().getActiveDeadlineSeconds(),
                spec.hasNonNull("activeDeadlineSeconds") ? spec.get("activeDeadlineSeconds").asLong() : null);
    }

    /** What the static pod's containers run, {@code name=image} in spec order, for a person to read. */
    static String images(List<Container> containers) {
        return containers == null ? "" : containers.stream().map(c -> c.getName() + "=" + c.getImage())
                .collect(Collectors.joining(","));
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

    private static String tolerations(List<Toleration> tolerations) {
        return tolerations == null ? "" : tolerations.stream().map(JSON::asJson).collect(Collectors.joining(","));
    }
}
