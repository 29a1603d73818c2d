package io.staticpod.runtime.spi;

import java.util.Objects;

/**
 * The three parts every {@link ContainerRuntime} has, as CRI's services: its pod sandboxes, the containers in them,
 * its images. An adapter builds them once and hands them out from {@link ContainerRuntime#parts()}; callers reach
 * them through {@link ContainerRuntime#sandboxes()}, {@link ContainerRuntime#containers()} and
 * {@link ContainerRuntime#images()}. Rules of {@link ContainerRuntime} apply to each.
 */
public record RuntimeParts(PodSandboxes sandboxes, Containers containers, Images images) {
    public RuntimeParts {
        Objects.requireNonNull(sandboxes, "sandboxes");
        Objects.requireNonNull(containers, "containers");
        Objects.requireNonNull(images, "images");
    }
}
