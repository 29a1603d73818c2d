package io.staticpod.runtime.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything needed to create one container in a sandbox, as CRI's {@code ContainerConfig}. Built with
 * {@link #builder}. {@link #toString()} shows no environment value.
 *
 * @param name        the container's name in the pod ({@code app})
 * @param attempt     0 for the first instance, one more for each restart (the restart count)
 * @param image       the image reference, already present (see {@link Images})
 * @param command     replaces the image's entrypoint when not null; the image's default arguments are then dropped
 *                    too unless {@code args} is given, as Kubernetes does
 * @param args        replaces the image's default arguments when not null
 * @param workingDir  or null for the image's
 * @param env         in order; values go to the engine in the request only
 * @param mounts      binds and in-memory file systems
 * @param labels      labels to set, by which {@link Containers#list} finds it again
 * @param annotations annotations to set (runtimes without annotations keep them as labels)
 * @param logPath     relative to the sandbox's log directory ({@code app/0.log}), for runtimes that write log files;
 *                    or null
 * @param resources   cgroup limits
 * @param security    user, capabilities, seccomp, PID namespace
 */
public record ContainerConfig(String name,
                              int attempt,
                              String image,
                              List<String> command,
                              List<String> args,
                              String workingDir,
                              List<EnvVar> env,
                              List<Mount> mounts,
                              Map<String, String> labels,
                              Map<String, String> annotations,
                              String logPath,
                              Resources resources,
                              ContainerSecurity security) {
    public ContainerConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(image, "image");
        command = command == null ? null : List.copyOf(command);
        args = args == null ? null : List.copyOf(args);
        env = env == null ? List.of() : List.copyOf(env);
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        resources = resources == null ? Resources.NONE : resources;
        security = security == null ? ContainerSecurity.DEFAULT : security;
    }

    public static Builder builder(String name, int attempt, String image) {
        return new Builder(name, attempt, image);
    }

    @Override
    public String toString() {
        return "ContainerConfig[name=" + name + ", attempt=" + attempt + ", image=" + image + ", env="
                + env.size() + " variables (values not shown)]";
    }

    /** A builder, so that callers name what they set. */
    public static final class Builder {
        private final String name;
        private final int attempt;
        private final String image;
        private List<String> command;
        private List<String> args;
        private String workingDir;
        private List<EnvVar> env = List.of();
        private List<Mount> mounts = List.of();
        private Map<String, String> labels = Map.of();
        private Map<String, String> annotations = Map.of();
        private String logPath;
        private Resources resources = Resources.NONE;
        private ContainerSecurity security = ContainerSecurity.DEFAULT;

        private Builder(String name, int attempt, String image) {
            this.name = name;
            this.attempt = attempt;
            this.image = image;
        }

        public Builder command(List<String> command) {
            this.command = command;
            return this;
        }

        public Builder args(List<String> args) {
            this.args = args;
            return this;
        }

        public Builder workingDir(String workingDir) {
            this.workingDir = workingDir;
            return this;
        }

        public Builder env(List<EnvVar> env) {
            this.env = env;
            return this;
        }

        public Builder mounts(List<Mount> mounts) {
            this.mounts = mounts;
            return this;
        }

        public Builder labels(Map<String, String> labels) {
            this.labels = labels;
            return this;
        }

        public Builder annotations(Map<String, String> annotations) {
            this.annotations = annotations;
            return this;
        }

        public Builder logPath(String logPath) {
            this.logPath = logPath;
            return this;
        }

        public Builder resources(Resources resources) {
            this.resources = resources;
            return this;
        }

        public Builder security(ContainerSecurity security) {
            this.security = security;
            return this;
        }

        public ContainerConfig build() {
            return new ContainerConfig(name, attempt, image, command, args, workingDir, env, mounts, labels,
                    annotations, logPath, resources, security);
        }
    }
}
