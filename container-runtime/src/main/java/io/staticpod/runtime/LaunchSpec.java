package io.staticpod.runtime;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything needed to create one container: the runtime's own launch record, independent of pods.
 *
 * @param name       the container name, e.g. {@code k8s_app_web-n1_default_<uid>_0}
 * @param image      image reference
 * @param entrypoint replaces the image's entrypoint when non-null (Kubernetes' {@code command});
 *                   when non-null the image's default arguments are dropped too, as Kubernetes does
 * @param args       replaces the image's default arguments when non-null (Kubernetes' {@code args})
 * @param env        environment, in order
 * @param workingDir working directory, or null for the image's
 * @param mounts     bind mounts
 * @param ports      published ports (only meaningful on a container that owns its network)
 * @param labels     labels, including the ownership label
 * @param network    the network namespace to use
 * @param ipc        the IPC namespace to use
 * @param hostname   the host name inside the container, or null (not allowed with a joined network)
 * @param stopSignal signal for a graceful stop, or null for the image's (else SIGTERM)
 * @param options    resources, security and the rest; {@link LaunchOptions#NONE} for the engine's defaults
 */
public record LaunchSpec(
        String name,
        String image,
        List<String> entrypoint,
        List<String> args,
        List<EnvVar> env,
        String workingDir,
        List<Mount> mounts,
        List<PortMapping> ports,
        Map<String, String> labels,
        Namespace network,
        Namespace ipc,
        String hostname,
        String stopSignal,
        LaunchOptions options) {

    public LaunchSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(image, "image");
        entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
        args = args == null ? null : List.copyOf(args);
        env = env == null ? List.of() : List.copyOf(env);
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
        ports = ports == null ? List.of() : List.copyOf(ports);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        network = network == null ? Namespace.own() : network;
        ipc = ipc == null ? Namespace.own() : ipc;
        options = options == null ? LaunchOptions.NONE : options;
    }

    /** A launch record asking for no {@link LaunchOptions}. */
    public LaunchSpec(String name, String image, List<String> entrypoint, List<String> args, List<EnvVar> env,
                      String workingDir, List<Mount> mounts, List<PortMapping> ports, Map<String, String> labels,
                      Namespace network, Namespace ipc, String hostname, String stopSignal) {
        this(name, image, entrypoint, args, env, workingDir, mounts, ports, labels, network, ipc, hostname, stopSignal,
                LaunchOptions.NONE);
    }

    /** One environment variable. */
    public record EnvVar(String name, String value) {
        public EnvVar {
            Objects.requireNonNull(name, "name");
            value = value == null ? "" : value;
        }
    }

    /** A bind mount of a host path. */
    public record Mount(String hostPath, String containerPath, boolean readOnly) {
        public Mount {
            Objects.requireNonNull(hostPath, "hostPath");
            Objects.requireNonNull(containerPath, "containerPath");
        }
    }

    /** A published port; {@code hostPort} 0 means not published on the host. Protocol is tcp, udp or sctp. */
    public record PortMapping(int containerPort, int hostPort, String hostIp, String protocol) {
        public PortMapping {
            protocol = protocol == null ? "tcp" : protocol.toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * How a container gets a namespace (network or IPC).
     * {@code OWN}: a new one (for IPC: a shareable one, so others can join);
     * {@code HOST}: the node's; {@code CONTAINER}: join {@code containerId}'s.
     */
    public record Namespace(Mode mode, String containerId) {
        public enum Mode { OWN, HOST, CONTAINER }

        public static Namespace own() {
            return new Namespace(Mode.OWN, null);
        }

        public static Namespace host() {
            return new Namespace(Mode.HOST, null);
        }

        public static Namespace container(String id) {
            return new Namespace(Mode.CONTAINER, Objects.requireNonNull(id, "id"));
        }
    }
}
