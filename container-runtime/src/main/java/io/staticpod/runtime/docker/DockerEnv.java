package io.staticpod.runtime.docker;

import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.EnvVar;
import io.staticpod.runtime.spi.RuntimeError;

import java.util.LinkedHashMap;
import java.util.Map;

/** A container's environment as every Docker adapter hands it to the engine. */
public final class DockerEnv {

    private DockerEnv() {
    }

    /**
     * The environment as the process gets it: later entries win (as in Kubernetes), in order of first appearance.
     *
     * @throws RuntimeError.Refused for a name no process can carry (the message names it, never a value)
     */
    public static Map<String, String> of(ContainerConfig config) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar e : config.env()) {
            if (e.name().isEmpty() || e.name().indexOf('=') >= 0 || e.name().indexOf('\0') >= 0
                    || e.value().indexOf('\0') >= 0) {
                throw new RuntimeError.Refused("container " + config.name() + ": the environment variable '"
                        + e.name().replace("\0", "\\0") + "' cannot be given to a process (an empty name, '=' or NUL"
                        + " in its name, or NUL in its value)", null);
            }
            env.put(e.name(), e.value());
        }
        return env;
    }
}
