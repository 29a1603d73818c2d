package io.staticpod.agent.launch;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the agent prepared on the node for a pod's containers: each volume's host path, its {@code /etc/hosts}, and
 * the sandbox's address (for {@code status.podIP} in the environment).
 *
 * @param podIp the pod's address, or null when the runtime gives none
 */
public record PodFiles(Map<String, Path> volumes, Path etcHosts, String podIp) {
    public PodFiles {
        volumes = Map.copyOf(volumes);
    }
}
