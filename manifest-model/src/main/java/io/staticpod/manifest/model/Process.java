package io.staticpod.manifest.model;

import java.util.List;

/**
 * What a container runs.
 *
 * @param command    null when absent (the image's entrypoint is used)
 * @param args       null when absent (the image's arguments are used, unless command is set)
 * @param workingDir null for the image's
 * @param env        in order; later variables may refer to earlier ones with {@code $(NAME)}
 */
public record Process(List<String> command, List<String> args, String workingDir, List<EnvVar> env) {
    public static final Process IMAGE_DEFAULTS = new Process(null, null, null, List.of());

    public Process {
        command = command == null ? null : List.copyOf(command);
        args = args == null ? null : List.copyOf(args);
        env = env == null ? List.of() : List.copyOf(env);
    }
}
