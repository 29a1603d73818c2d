package io.staticpod.manifest.model;

import java.util.List;

/**
 * @param command         null when absent (the image's entrypoint is used)
 * @param args            null when absent (the image's arguments are used, unless command is set)
 * @param imagePullPolicy defaulted: Always for {@code :latest} or no tag, else IfNotPresent
 */
public record Container(String name,
                        String image,
                        List<String> command,
                        List<String> args,
                        String workingDir,
                        List<EnvVar> env,
                        List<ContainerPort> ports,
                        List<VolumeMount> volumeMounts,
                        ImagePullPolicy imagePullPolicy) {
    public Container {
        command = command == null ? null : List.copyOf(command);
        args = args == null ? null : List.copyOf(args);
        env = env == null ? List.of() : List.copyOf(env);
        ports = ports == null ? List.of() : List.copyOf(ports);
        volumeMounts = volumeMounts == null ? List.of() : List.copyOf(volumeMounts);
    }
}
