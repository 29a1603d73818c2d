package io.staticpod.manifest.model;

import java.util.List;

/**
 * @param command         null when absent (the image's entrypoint is used)
 * @param args            null when absent (the image's arguments are used, unless command is set)
 * @param imagePullPolicy defaulted: Always for {@code :latest} or no tag, else IfNotPresent
 * @param probes          liveness, readiness and startup probes, defaulted
 */
public record Container(String name,
                        String image,
                        List<String> command,
                        List<String> args,
                        String workingDir,
                        List<EnvVar> env,
                        List<ContainerPort> ports,
                        List<VolumeMount> volumeMounts,
                        ImagePullPolicy imagePullPolicy,
                        Probes probes) {
    public Container {
        probes = probes == null ? Probes.NONE : probes;
        command = command == null ? null : List.copyOf(command);
        args = args == null ? null : List.copyOf(args);
        env = env == null ? List.of() : List.copyOf(env);
        ports = ports == null ? List.of() : List.copyOf(ports);
        volumeMounts = volumeMounts == null ? List.of() : List.copyOf(volumeMounts);
    }

    /** A container without probes. */
    public Container(String name, String image, List<String> command, List<String> args, String workingDir,
                     List<EnvVar> env, List<ContainerPort> ports, List<VolumeMount> volumeMounts,
                     ImagePullPolicy imagePullPolicy) {
        this(name, image, command, args, workingDir, env, ports, volumeMounts, imagePullPolicy, Probes.NONE);
    }
}
