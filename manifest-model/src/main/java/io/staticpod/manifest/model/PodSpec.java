package io.staticpod.manifest.model;

import java.util.List;

/**
 * @param terminationGracePeriodSeconds defaulted to 30
 * @param restartPolicy                 defaulted to Always
 */
public record PodSpec(List<Container> initContainers,
                      List<Container> containers,
                      List<Volume> volumes,
                      RestartPolicy restartPolicy,
                      long terminationGracePeriodSeconds,
                      boolean hostNetwork,
                      boolean hostPID,
                      boolean hostIPC,
                      String hostname,
                      String nodeName) {
    public PodSpec {
        initContainers = initContainers == null ? List.of() : List.copyOf(initContainers);
        containers = containers == null ? List.of() : List.copyOf(containers);
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
    }
}
