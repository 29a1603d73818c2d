package io.staticpod.manifest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.staticpod.manifest.model.Pod;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A defaulted, validated static pod read from one file.
 *
 * @param key      namespace and name ({@code <metadata.name>-<node>})
 * @param uid      the pod's UID, equal to its {@code kubernetes.io/config.hash}: a stable hash of the defaulted
 *                 pod, the node name and the file path (see {@link PodIdentity})
 * @param file     the file it was read from
 * @param pod      the typed, defaulted pod (name suffixed, namespace, nodeName, toleration, annotations set)
 * @param manifest the same defaulted pod as a JSON tree, every field of the file kept (for the mirror pod);
 *                 callers must not modify it
 *
 * <p>{@link #toString()} names the pod and its file only: the manifest may hold environment values (passwords), and
 * a pod logged whole must not print them.
 */
public record StaticPod(PodKey key, String uid, Path file, Pod pod, ObjectNode manifest) {
    public StaticPod {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(uid, "uid");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(pod, "pod");
        Objects.requireNonNull(manifest, "manifest");
    }

    @Override
    public String toString() {
        return "StaticPod[key=" + key + ", uid=" + uid + ", file=" + file + "]";
    }

    /**
     * The part of {@link #manifest()} that defines the container (or init container) named {@code name}: every field
     * the file gave it, including those the typed records leave out; a missing node when there is none.
     */
    public com.fasterxml.jackson.databind.JsonNode containerManifest(String name) {
        for (String list : new String[]{"containers", "initContainers"}) {
            for (com.fasterxml.jackson.databind.JsonNode n : manifest.path("spec").path(list)) {
                if (name.equals(n.path("name").asText())) {
                    return n;
                }
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
}
