package io.staticpod.manifest.model;

import java.util.List;
import java.util.Objects;

/**
 * A container (app or init) as the agent runs it: every setting defaulted as the API server would, and its
 * security settings merged with the pod's (see {@link SecurityContext}), so that nothing needs defaulting again.
 * Build one with {@link #builder}.
 *
 * @param imagePullPolicy defaulted: Always for {@code :latest} or no tag, else IfNotPresent
 * @param process         command, args, working directory and environment
 * @param ports           with {@code protocol} defaulted to TCP (and, on the host network, {@code hostPort} to the
 *                        container port)
 * @param resources       requests and limits, requests defaulted from limits
 * @param security        the effective security settings
 * @param probes          liveness, readiness and startup probes, defaulted
 * @param lifecycle       hooks (present or not) and the termination message's path and policy
 */
public record Container(String name,
                        String image,
                        ImagePullPolicy imagePullPolicy,
                        Process process,
                        List<ContainerPort> ports,
                        List<VolumeMount> volumeMounts,
                        Resources resources,
                        SecurityContext security,
                        Probes probes,
                        Lifecycle lifecycle) {
    public Container {
        process = process == null ? Process.IMAGE_DEFAULTS : process;
        ports = ports == null ? List.of() : List.copyOf(ports);
        volumeMounts = volumeMounts == null ? List.of() : List.copyOf(volumeMounts);
        resources = resources == null ? Resources.NONE : resources;
        security = security == null ? SecurityContext.DEFAULT : security;
        probes = probes == null ? Probes.NONE : probes;
        lifecycle = lifecycle == null ? Lifecycle.DEFAULT : lifecycle;
    }

    /** @deprecated the first model's shape; use {@link #builder}. */
    @Deprecated
    public Container(String name, String image, List<String> command, List<String> args, String workingDir,
                     List<EnvVar> env, List<ContainerPort> ports, List<VolumeMount> volumeMounts,
                     ImagePullPolicy imagePullPolicy, Probes probes) {
        this(name, image, imagePullPolicy, new Process(command, args, workingDir, env), ports, volumeMounts, null,
                null, probes, null);
    }

    /** @deprecated the first model's shape, without probes; use {@link #builder}. */
    @Deprecated
    public Container(String name, String image, List<String> command, List<String> args, String workingDir,
                     List<EnvVar> env, List<ContainerPort> ports, List<VolumeMount> volumeMounts,
                     ImagePullPolicy imagePullPolicy) {
        this(name, image, command, args, workingDir, env, ports, volumeMounts, imagePullPolicy, Probes.NONE);
    }

    public static Builder builder(String name, String image) {
        return new Builder(name, image);
    }

    /** {@code process().command()}: null when the image's entrypoint is used. */
    public List<String> command() {
        return process.command();
    }

    /** {@code process().args()}: null when the image's arguments are used. */
    public List<String> args() {
        return process.args();
    }

    /** {@code process().workingDir()}. */
    public String workingDir() {
        return process.workingDir();
    }

    /** {@code process().env()}. */
    public List<EnvVar> env() {
        return process.env();
    }

    /** A builder, so that callers name what they set; unset parts take the record's defaults. */
    public static final class Builder {
        private final String name;
        private final String image;
        private ImagePullPolicy imagePullPolicy;
        private List<String> command;
        private List<String> args;
        private String workingDir;
        private List<EnvVar> env;
        private List<ContainerPort> ports;
        private List<VolumeMount> volumeMounts;
        private Resources resources;
        private SecurityContext security;
        private Probes probes;
        private Lifecycle lifecycle;

        private Builder(String name, String image) {
            this.name = Objects.requireNonNull(name, "name");
            this.image = image;
        }

        public Builder imagePullPolicy(ImagePullPolicy imagePullPolicy) {
            this.imagePullPolicy = imagePullPolicy;
            return this;
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

        public Builder ports(List<ContainerPort> ports) {
            this.ports = ports;
            return this;
        }

        public Builder volumeMounts(List<VolumeMount> volumeMounts) {
            this.volumeMounts = volumeMounts;
            return this;
        }

        public Builder resources(Resources resources) {
            this.resources = resources;
            return this;
        }

        public Builder security(SecurityContext security) {
            this.security = security;
            return this;
        }

        public Builder probes(Probes probes) {
            this.probes = probes;
            return this;
        }

        public Builder lifecycle(Lifecycle lifecycle) {
            this.lifecycle = lifecycle;
            return this;
        }

        public Container build() {
            return new Container(name, image, imagePullPolicy, new Process(command, args, workingDir, env), ports,
                    volumeMounts, resources, security, probes, lifecycle);
        }
    }
}
