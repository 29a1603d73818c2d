package io.staticpod.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;

/**
 * A static pod as a JSON tree: the defaulted pod with its identity stamped, every field of the file kept, those the
 * agent does not act on too. It is what the mirror pod is made of, and only that: the agent acts on the typed
 * {@link io.staticpod.manifest.model.Pod}.
 *
 * <p>Immutable: the tree is copied in, never handed out; {@link #copy()} gives a deep copy its caller owns. Two trees
 * are equal when their content is (the order of fields within an object does not matter).
 * {@link #toString()} shows no content, since the tree may hold environment values.
 */
public final class ManifestTree {
    private final ObjectNode tree;

    private ManifestTree(ObjectNode tree) {
        this.tree = tree;
    }

    /** An immutable copy of {@code tree}; later changes to {@code tree} do not reach it. */
    public static ManifestTree of(ObjectNode tree) {
        return new ManifestTree(tree.deepCopy());
    }

    /** A deep copy of the tree, for the caller to read or change (the mirror client adds its annotations). */
    public ObjectNode copy() {
        return tree.deepCopy();
    }

    /** A deep copy of the object that defines the container or init container {@code name}; missing when none. */
    JsonNode containerCopy(String name) {
        for (String list : new String[] {"containers", "initContainers"}) {
            for (JsonNode n : tree.path("spec").path(list)) {
                if (name.equals(n.path("name").asText())) {
                    return n.deepCopy();
                }
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    /** The tree as compact JSON, UTF-8 (field order as in the file). */
    public byte[] toJson() {
        return tree.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The canonical JSON of {@link PodIdentity}: sorted keys, for comparisons and hashes. */
    public String canonicalJson() {
        return CanonicalJson.encode(tree);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ManifestTree other && tree.equals(other.tree);
    }

    @Override
    public int hashCode() {
        return tree.hashCode();
    }

    @Override
    public String toString() {
        return "ManifestTree[" + tree.size() + " top-level fields, content not shown]";
    }
}
