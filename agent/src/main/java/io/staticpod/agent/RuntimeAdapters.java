package io.staticpod.agent;

import io.staticpod.config.AgentConfig;
import io.staticpod.runtime.spi.ContainerRuntime;

/**
 * The runtime adapter a configuration names ({@code --runtime}), connected to its endpoint
 * ({@code --container-runtime-endpoint}, else the runtime's default). Nothing is asked of the engine here: an engine
 * that is down is reported by the relister, and pods start as soon as it answers.
 */
final class RuntimeAdapters {
    private RuntimeAdapters() {
    }

    static ContainerRuntime open(AgentConfig config) {
        String endpoint = config.effectiveRuntimeEndpoint();
        throw new IllegalStateException("--runtime " + config.runtime() + " (endpoint " + endpoint
                + ") is not in this build yet");
    }
}
