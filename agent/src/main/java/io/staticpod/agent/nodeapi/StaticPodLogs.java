package io.staticpod.agent.nodeapi;

import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.LogOptions;
import io.staticpod.runtime.spi.LogReader;
import io.staticpod.runtime.spi.RuntimeError;

/**
 * Opening a static pod container's log: the runtime's {@link io.staticpod.runtime.spi.ContainerLogs} when it has one,
 * else an answer saying which runtimes serve logs.
 */
public interface StaticPodLogs {

    /**
     * @throws Unsupported         when the runtime in use keeps no logs the agent can read (answered 501)
     * @throws RuntimeError.NotFound when the instance or its log is gone (answered 404)
     * @throws RuntimeError          when the runtime fails otherwise (answered 503)
     */
    LogReader open(String containerId, LogOptions options);

    /** The runtime in use cannot serve logs; the message says what can. */
    final class Unsupported extends RuntimeException {
        public Unsupported(String message) {
            super(message);
        }
    }

    /** The logs of a runtime on the pod-level SPI: its {@code logs()} when {@code capabilities().logs()}. */
    static StaticPodLogs of(ContainerRuntime runtime) {
        if (runtime.capabilities().logs() && runtime.logs().isPresent()) {
            var logs = runtime.logs().get();
            return logs::open;
        }
        return unsupported(runtime.name(), null);
    }

    /**
     * No logs through this agent.
     *
     * @param runtime the runtime's name, as {@code --runtime} spells it
     * @param hint    where the output can be read on the node meanwhile ({@code %s} is the container id), or null
     */
    static StaticPodLogs unsupported(String runtime, String hint) {
        return (containerId, options) -> {
            throw new Unsupported("container logs are not served for runtime " + runtime + ": the node API reads"
                    + " logs through runtimes whose capabilities include logs (the Docker Engine API and CRI adapters"
                    + " of the pod-level runtime SPI)" + (hint == null ? "" : "; on the node: " + hint.formatted(
                    containerId)));
        };
    }
}
