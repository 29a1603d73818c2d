package io.staticpod.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.staticpod.manifest.model.Probe;

/**
 * A lifecycle hook's handler as JSON in the API's shape ({@code {"exec":{"command":[…]}}}), as the kubelet keeps a
 * container's preStop hook in its {@code io.kubernetes.container.preStopHandler} annotation, so that the hook runs
 * when the container is stopped after its manifest is gone.
 */
public final class HookJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HookJson() {
    }

    public static String write(Probe.Action action) {
        try {
            return JSON.writeValueAsString(IdentityTrees.action(action));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The handler in {@code json}; null when it is empty or not a handler's JSON. */
    public static Probe.Action read(String json) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            var node = JSON.readTree(json);
            return node.isObject() && node.size() == 1 ? ContainerBinder.action(node) : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
