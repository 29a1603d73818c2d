package io.staticpod.manifest.model;

/**
 * A field of the pod, by its path: {@code metadata.name}, {@code metadata.namespace}, {@code metadata.uid},
 * {@code metadata.labels['key']}, {@code metadata.annotations['key']}, {@code spec.nodeName},
 * {@code spec.serviceAccountName}, {@code status.hostIP(s)}, {@code status.podIP(s)}; in a volume also the whole
 * {@code metadata.labels} and {@code metadata.annotations}. The reader refuses other paths.
 */
public record FieldRef(String fieldPath) implements ValueSource {
    /** The key of {@code metadata.labels['key']} or {@code metadata.annotations['key']}; null for other paths. */
    public String subscript() {
        int open = fieldPath.indexOf("['");
        return open > 0 && fieldPath.endsWith("']") ? fieldPath.substring(open + 2, fieldPath.length() - 2) : null;
    }

    /** The path without a subscript: {@code metadata.labels} for {@code metadata.labels['key']}. */
    public String field() {
        int open = fieldPath.indexOf("['");
        return open > 0 && fieldPath.endsWith("']") ? fieldPath.substring(0, open) : fieldPath;
    }
}
