package io.staticpod.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.staticpod.manifest.model.Pod;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A defaulted, validated static pod read from one file.
 *
 * @param key  namespace and name ({@code <metadata.name>-<node>})
 * @param uid  the pod's UID, equal to its {@code kubernetes.io/config.hash}: a stable hash of the defaulted pod, the
 *             node name and the file path (see {@link PodIdentity})
 * @param file the file it was read from
 * @param pod  the typed, defaulted pod (name suffixed, namespace, nodeName, toleration, annotations set): what the
 *             agent acts on
 * @param tree the same defaulted pod as an immutable JSON tree, every field of the file kept: what the mirror pod
 *             is made of
 *
 * <p>Two static pods are equal when all five are; {@link ManifestTree#equals} compares content, so an edit that
 * changes only fields the typed pod leaves out (tolerations, affinity) still makes a different static pod.
 * {@link #toString()} names the pod and its file only: the manifest may hold environment values (passwords), and a
 * pod logged whole must not print them.
 */
public record StaticPod(PodKey key, String uid, Path file, Pod pod, ManifestTree tree) {
    public StaticPod {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(uid, "uid");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(pod, "pod");
        Objects.requireNonNull(tree, "tree");
    }

    /** A static pod whose tree is an immutable copy of {@code manifest}. */
    public StaticPod(PodKey key, String uid, Path file, Pod pod, ObjectNode manifest) {
        this(key, uid, file, pod, ManifestTree.of(manifest));
    }

    /**
     * A deep copy of {@link #tree()}; changing it changes nothing else.
     *
     * @deprecated read the typed {@link #pod()}; the mirror client reads {@link #tree()}{@code .copy()}. Every call
     *             copies the whole tree.
     */
    @Deprecated
    public ObjectNode manifest() {
        return tree.copy();
    }

    /**
     * A deep copy of the part of the tree that defines the container (or init container) named {@code name}; a
     * missing node when there is none.
     *
     * @deprecated read the typed container: {@code pod().spec().container(name)}.
     */
    @Deprecated
    public JsonNode containerManifest(String name) {
        return tree.containerCopy(name);
    }

    @Override
    public String toString() {
        return "StaticPod[key=" + key + ", uid=" + uid + ", file=" + file + "]";
    }
}
