package io.staticpod.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.staticpod.manifest.model.Container;
import io.staticpod.manifest.model.ContainerPort;
import io.staticpod.manifest.model.EnvVar;
import io.staticpod.manifest.model.VolumeMount;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * How pods and containers are identified. The encodings here are contracts: a change restarts every pod after an
 * upgrade, which is why {@code golden-uids.txt} pins them in a test.
 *
 * <h2>Canonical JSON</h2>
 * Objects with keys sorted by {@link String#compareTo} (UTF-16 code units), recursively; no whitespace; arrays in
 * order; strings in double quotes, escaping only {@code "}, {@code \}, and control characters below U+0020
 * ({@code \n \r \t \b \f}, others {@code \}{@code u00xx} in lowercase hex), everything else written as is;
 * integers in plain decimal; other numbers as the plain decimal of their exact binary value, trailing zeros
 * stripped (so {@code 1.0} and {@code 1} are equal); {@code true}, {@code false}, {@code null}. Encoded as UTF-8.
 *
 * <h2>Pod UID</h2>
 * The lowercase hex MD5 (32 characters, as the kubelet's) of, in order: the canonical JSON of the pod tree as
 * read from the file with the API defaults applied ({@code metadata.namespace} "default",
 * {@code spec.restartPolicy} Always, {@code spec.terminationGracePeriodSeconds} 30, each container's
 * {@code imagePullPolicy}, each port's {@code protocol} TCP, and on the host network each port's {@code hostPort})
 * but before any identity is stamped (no name suffix, {@code nodeName}, toleration, annotation or uid added);
 * then the bytes {@code host:<node name>}; then {@code file:<absolute normalized path>}. Comments, whitespace,
 * key order and YAML-vs-JSON therefore never change it; any value, the node or the path does. A manifest that
 * pins {@code metadata.uid} gets that UID instead, as with the kubelet.
 *
 * <h2>Container hash</h2>
 * The first 16 hex characters of the SHA-256 of the canonical JSON of {@link #containerTree(Container)}: the
 * typed, defaulted container (what the agent acts on), so a change to fields it ignores does not change it.
 */
public final class PodIdentity {
    private PodIdentity() {
    }

    /** {@code <name>-<node>}, node lowercased, as the kubelet's generatePodName. */
    public static String podName(String manifestName, String nodeName) {
        return manifestName + "-" + nodeName.toLowerCase(java.util.Locale.ROOT);
    }

    /** A stable hex hash of one container's spec, for the {@code io.kubernetes.container.hash} label. */
    public static String containerHash(Container container) {
        byte[] digest = digest("SHA-256", CanonicalJson.encode(containerTree(container)).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest).substring(0, 16);
    }

    /** The canonical JSON encoding described above. */
    public static String canonicalJson(JsonNode node) {
        return CanonicalJson.encode(node);
    }

    /**
     * The UID of a pod whose defaulted, unstamped tree is {@code defaultedPod}, read on {@code nodeName} from
     * {@code file}. Ignores {@code metadata.uid}: see {@link #uidOf}.
     */
    public static String podUid(JsonNode defaultedPod, String nodeName, Path file) {
        byte[] pod = CanonicalJson.encode(defaultedPod).getBytes(StandardCharsets.UTF_8);
        byte[] host = ("host:" + nodeName).getBytes(StandardCharsets.UTF_8);
        byte[] path = ("file:" + file.toAbsolutePath().normalize()).getBytes(StandardCharsets.UTF_8);
        return HexFormat.of().formatHex(digest("MD5", pod, host, path));
    }

    /** The pinned {@code metadata.uid} when the manifest sets one, else {@link #podUid}. */
    public static String uidOf(JsonNode defaultedPod, String nodeName, Path file) {
        String pinned = defaultedPod.path("metadata").path("uid").asText("");
        return pinned.isEmpty() ? podUid(defaultedPod, nodeName, file) : pinned;
    }

    /** The container as the tree that {@link #containerHash} encodes: every component of the record, by name. */
    static ObjectNode containerTree(Container c) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("name", c.name());
        n.put("image", c.image());
        n.set("command", strings(c.command()));
        n.set("args", strings(c.args()));
        n.put("workingDir", c.workingDir());
        n.set("env", list(c.env(), (EnvVar e) -> JsonNodeFactory.instance.objectNode()
                .put("name", e.name()).put("value", e.value())));
        n.set("ports", list(c.ports(), (ContainerPort p) -> JsonNodeFactory.instance.objectNode()
                .put("name", p.name()).put("containerPort", p.containerPort()).put("hostPort", p.hostPort())
                .put("hostIP", p.hostIP()).put("protocol", p.protocol())));
        n.set("volumeMounts", list(c.volumeMounts(), (VolumeMount m) -> JsonNodeFactory.instance.objectNode()
                .put("name", m.name()).put("mountPath", m.mountPath()).put("readOnly", m.readOnly())
                .put("subPath", m.subPath())));
        n.put("imagePullPolicy", c.imagePullPolicy() == null ? null : c.imagePullPolicy().name());
        return n;
    }

    /**
     * Stamps the identity on a validated, defaulted tree, after {@link #uidOf}: name suffix, namespace, uid,
     * {@code spec.nodeName}, the NoExecute toleration and the config.hash/config.source annotations.
     */
    static void stamp(ObjectNode pod, String uid, String nodeName) {
        ObjectNode metadata = (ObjectNode) pod.get("metadata");
        metadata.put("name", podName(metadata.get("name").asText(), nodeName));
        metadata.put("uid", uid);
        if (!(metadata.get("annotations") instanceof ObjectNode)) {
            metadata.putObject("annotations");
        }
        ((ObjectNode) metadata.get("annotations")).put(WellKnown.CONFIG_HASH, uid).put(WellKnown.CONFIG_SOURCE,
                WellKnown.SOURCE_FILE);
        ObjectNode spec = (ObjectNode) pod.get("spec");
        spec.put("nodeName", nodeName.toLowerCase(Locale.ROOT));
        if (!(spec.get("tolerations") instanceof ArrayNode)) {
            spec.putArray("tolerations");
        }
        // as the kubelet: so that a static pod is never evicted for node problems
        ((ArrayNode) spec.get("tolerations")).addObject().put("operator", "Exists").put("effect", "NoExecute");
    }

    private static ArrayNode strings(List<String> values) {
        if (values == null) {
            return null;
        }
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        values.forEach(a::add);
        return a;
    }

    private static <T> ArrayNode list(List<T> values, Function<T, JsonNode> toNode) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        values.forEach(v -> a.add(toNode.apply(v)));
        return a;
    }

    private static byte[] digest(String algorithm, byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            for (byte[] part : parts) {
                md.update(part);
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is required of every JVM", e);
        }
    }
}
