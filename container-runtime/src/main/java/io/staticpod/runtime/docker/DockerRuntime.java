package io.staticpod.runtime.docker;

import io.staticpod.runtime.spi.Capabilities;
import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.Images;
import io.staticpod.runtime.spi.RuntimeParts;
import io.staticpod.runtime.spi.RuntimeSnapshot;

import java.util.Map;

/**
 * What every Docker adapter's {@link ContainerRuntime} is, whatever its transport: named {@code docker}, its parts
 * its {@link DockerSandboxes}, their {@link DockerContainers} and its images, a snapshot one search of the containers
 * by labels ({@link DockerContainers#find}). A subclass reports the engine's version, and has exec, events and logs
 * as its transport allows.
 */
public abstract class DockerRuntime implements ContainerRuntime {

    private final Capabilities capabilities;
    private final DockerContainers containers;
    private final RuntimeParts parts;

    protected DockerRuntime(Capabilities capabilities, DockerSandboxes sandboxes, Images images) {
        this.capabilities = capabilities;
        this.containers = sandboxes.containers();
        this.parts = new RuntimeParts(sandboxes, containers, images);
    }

    @Override
    public final String name() {
        return "docker";
    }

    @Override
    public final Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public final RuntimeParts parts() {
        return parts;
    }

    /** One search of the containers by the labels; sandboxes and containers told apart by type. */
    @Override
    public final RuntimeSnapshot snapshot(Map<String, String> labels) {
        return containers.snapshot(labels);
    }
}
