package io.staticpod.runtime.spi;

import java.time.Instant;
import java.util.Map;

/**
 * A container as a list shows it, as CRI's {@code Container}: enough to see that something changed; exit codes and
 * times are in {@link ContainerStatus}.
 *
 * @param sandboxId   the sandbox it was created in
 * @param name        its name in the pod, as created ({@link ContainerConfig#name()})
 * @param attempt     as created ({@link ContainerConfig#attempt()})
 * @param imageRef    the engine's id of the image it runs, or null
 * @param createdAt   never null
 * @param annotations on runtimes without annotations, what was given as annotations (kept as labels)
 */
public record ContainerSummary(String id, String sandboxId, String name, int attempt, String image, String imageRef,
                               ContainerState state, Instant createdAt, Map<String, String> labels,
                               Map<String, String> annotations) {
    public ContainerSummary {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public boolean running() {
        return state == ContainerState.RUNNING;
    }
}
