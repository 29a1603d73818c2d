package io.staticpod.runtime.spi;

import java.util.List;

/** What a runtime has, from {@link ContainerRuntime#snapshot}: sandboxes and containers, each as a list shows it. */
public record RuntimeSnapshot(List<Sandbox> sandboxes, List<ContainerSummary> containers) {
    public RuntimeSnapshot {
        sandboxes = List.copyOf(sandboxes);
        containers = List.copyOf(containers);
    }
}
