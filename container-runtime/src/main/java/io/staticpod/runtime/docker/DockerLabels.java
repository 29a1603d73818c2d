package io.staticpod.runtime.docker;

import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.SandboxConfig;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Docker labels of sandboxes and containers, shared by every Docker adapter. Docker has no annotations: they are
 * kept as labels {@code annotation.<key>}, as dockershim kept them. Two labels are the adapter's own, as dockershim's:
 * {@value #TYPE} ({@value #SANDBOX_TYPE} or {@value #CONTAINER_TYPE}) and, on containers, {@value #SANDBOX_ID}.
 * Reading back, {@link #labels} and {@link #annotations} give exactly what the caller set.
 */
public final class DockerLabels {

    /** Whether a Docker container is a sandbox or a container of one. */
    public static final String TYPE = "io.kubernetes.docker.type";
    public static final String SANDBOX_TYPE = "podsandbox";
    public static final String CONTAINER_TYPE = "container";
    /** On containers: the id of their sandbox. */
    public static final String SANDBOX_ID = "io.kubernetes.sandbox.id";
    /** Prefix of the labels that hold annotations. */
    public static final String ANNOTATION_PREFIX = "annotation.";

    private DockerLabels() {
    }

    /** The Docker labels of a sandbox's pause container, sorted by key. */
    public static Map<String, String> ofSandbox(SandboxConfig config) {
        Map<String, String> labels = merge(config.labels(), config.annotations());
        labels.put(TYPE, SANDBOX_TYPE);
        return labels;
    }

    /** The Docker labels of a container in {@code sandboxId}, sorted by key. */
    public static Map<String, String> ofContainer(String sandboxId, ContainerConfig config) {
        Map<String, String> labels = merge(config.labels(), config.annotations());
        labels.put(TYPE, CONTAINER_TYPE);
        labels.put(SANDBOX_ID, sandboxId);
        return labels;
    }

    private static Map<String, String> merge(Map<String, String> labels, Map<String, String> annotations) {
        Map<String, String> merged = new TreeMap<>();
        labels.forEach((k, v) -> {
            if (k.equals(TYPE) || k.equals(SANDBOX_ID) || k.startsWith(ANNOTATION_PREFIX)) {
                throw new RuntimeError.Refused("the label " + k + " is the Docker adapter's own", null);
            }
            merged.put(k, v);
        });
        annotations.forEach((k, v) -> merged.put(ANNOTATION_PREFIX + k, v));
        return merged;
    }

    /** What a list filters by: these labels and, when {@code type} is not null, our type label; sorted by key. */
    public static Map<String, String> filter(Map<String, String> labels, String type) {
        Map<String, String> filter = new TreeMap<>(labels);
        if (type != null) {
            filter.put(TYPE, type);
        }
        return filter;
    }

    /** The labels the caller set: Docker's labels without the adapter's own and without annotations. */
    public static Map<String, String> labels(Map<String, String> docker) {
        Map<String, String> labels = new LinkedHashMap<>();
        docker.forEach((k, v) -> {
            if (!k.equals(TYPE) && !k.equals(SANDBOX_ID) && !k.startsWith(ANNOTATION_PREFIX)) {
                labels.put(k, v);
            }
        });
        return labels;
    }

    /** The annotations the caller set. */
    public static Map<String, String> annotations(Map<String, String> docker) {
        Map<String, String> annotations = new LinkedHashMap<>();
        docker.forEach((k, v) -> {
            if (k.startsWith(ANNOTATION_PREFIX)) {
                annotations.put(k.substring(ANNOTATION_PREFIX.length()), v);
            }
        });
        return annotations;
    }

    public static boolean isSandbox(Map<String, String> docker) {
        return SANDBOX_TYPE.equals(docker.get(TYPE));
    }

    public static boolean isContainer(Map<String, String> docker) {
        return CONTAINER_TYPE.equals(docker.get(TYPE));
    }
}
