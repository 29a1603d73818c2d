package io.staticpod.manifest.model;

import java.util.Map;

public record ObjectMeta(String name, String namespace, String uid,
                         Map<String, String> labels, Map<String, String> annotations) {
    public ObjectMeta {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }
}
