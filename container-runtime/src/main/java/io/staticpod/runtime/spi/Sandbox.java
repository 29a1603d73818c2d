package io.staticpod.runtime.spi;

import java.time.Instant;
import java.util.Map;

/**
 * A sandbox as a list shows it, as CRI's {@code PodSandbox}. Its address is in {@link SandboxStatus}.
 *
 * @param createdAt   when it was created (never null)
 * @param annotations on runtimes without annotations, what was given as annotations (kept as labels)
 */
public record Sandbox(String id, SandboxMetadata metadata, SandboxState state, Instant createdAt,
                      Map<String, String> labels, Map<String, String> annotations) {
    public Sandbox {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public boolean ready() {
        return state == SandboxState.READY;
    }
}
