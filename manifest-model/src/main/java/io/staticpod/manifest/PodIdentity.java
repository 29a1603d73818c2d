package io.staticpod.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.staticpod.manifest.model.Container;
import io.staticpod.manifest.model.Pod;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * How pods and containers are identified. The encodings here are contracts: a change restarts every pod (or
 * container) after an upgrade, which is why {@code golden-uids.txt} and {@code golden-hashes.txt} pin them in tests.
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
 * The first 16 hex characters of the SHA-256 of the canonical JSON of the typed, defaulted {@link Container}, as
 * {@code IdentityTrees.container} writes it: an object with the API's field names for {@code name}, {@code image},
 * {@code imagePullPolicy}, {@code command}, {@code args} ({@code null} when absent), {@code workingDir},
 * {@code env} (each {@code name}, {@code value}, and {@code valueFrom} as {@code {fieldRef: {fieldPath}}} or
 * {@code {resourceFieldRef: {containerName, resource, divisor}}}), {@code ports} ({@code name, containerPort,
 * hostPort, hostIP, protocol}), {@code volumeMounts} ({@code name, mountPath, readOnly, subPath}),
 * {@code resources} ({@code requests} and {@code limits}, each resource's exact value as a plain decimal string:
 * {@code "0.5"}, {@code "1073741824"}), {@code securityContext} (the effective one: {@code runAsUser, runAsGroup,
 * runAsNonRoot, supplementalGroups, privileged, capabilities {add, drop}, readOnlyRootFilesystem,
 * allowPrivilegeEscalation, seccompProfile {type, localhostProfile}}), {@code livenessProbe},
 * {@code readinessProbe}, {@code startupProbe} (each {@code null} or its handler {@code exec {command}},
 * {@code httpGet {scheme, host, port, path, httpHeaders}} or {@code tcpSocket {host, port}}, with
 * {@code initialDelaySeconds, periodSeconds, timeoutSeconds, successThreshold, failureThreshold,
 * terminationGracePeriodSeconds}), {@code terminationMessagePath} and {@code terminationMessagePolicy}. These are the
 * fields the agent acts on when it creates the container, after defaulting: writing a default out, or a quantity in
 * another unit, does not change the hash; any other change does, and the container is replaced even when the
 * manifest pins {@code metadata.uid}. Not hashed: lifecycle hooks (this agent does not run them), {@code stdin},
 * {@code tty} and everything else it does not act on.
 *
 * <p>Since the security settings are the effective ones, a pod-level {@code runAsUser}, {@code runAsGroup},
 * {@code runAsNonRoot}, {@code seccompProfile} or {@code supplementalGroups} that a container inherits is part of
 * its hash. <b>Upgrading from a version that hashed fewer fields</b> (name, image, command, args, workingDir, env
 * values, ports, volumeMounts and imagePullPolicy only) changes the label of every container, so each container is
 * replaced once after the upgrade; pod UIDs do not change ({@code golden-uids.txt}). {@code golden-hashes.txt} pins
 * the encoding, so that any later change shows in review.
 *
 * <h2>Sandbox hash</h2>
 * The same digest of {@code IdentityTrees.sandbox}: the pod-level settings the agent acts on, {@code namespaces}
 * ({@code hostNetwork, hostPID, hostIPC, shareProcessNamespace}), {@code dns} ({@code policy}, {@code dnsConfig}'s
 * {@code nameservers, searches, options}, {@code hostAliases}, {@code hostname}, {@code subdomain}), the pod's
 * {@code securityContext} ({@code runAsUser, runAsGroup, runAsNonRoot, supplementalGroups, sysctls,
 * seccompProfile}), the {@code portMappings} published on the node (app containers' ports with a host port) and the
 * {@code volumes} with their sources. A manifest that pins its UID and changes one of them needs a new sandbox, and
 * its containers with it, as a new UID would: see {@link #sandboxHash}.
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
        return shortHash(IdentityTrees.container(container));
    }

    /**
     * A stable hex hash of the pod-level settings (see above), for the {@link WellKnown#SANDBOX_HASH} label on the
     * sandbox (every pod has one, hostNetwork pods too): when it changes, the sandbox and every container are
     * recreated.
     */
    public static String sandboxHash(Pod pod) {
        return shortHash(IdentityTrees.sandbox(pod));
    }

    private static String shortHash(JsonNode tree) {
        byte[] digest = digest("SHA-256", CanonicalJson.encode(tree).getBytes(StandardCharsets.UTF_8));
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

    /** The container as the tree that {@link #containerHash} encodes. */
    static ObjectNode containerTree(Container c) {
        return IdentityTrees.container(c);
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
