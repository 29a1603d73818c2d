package io.staticpod.runtime.docker;

import io.staticpod.runtime.LaunchSpec;
import io.staticpod.runtime.LaunchSpec.Namespace;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Maps a {@link LaunchSpec} onto the arguments of {@code docker run -d}, the way the kubelet's dockershim mapped a
 * container config. What is deliberately absent: {@code --oom-score-adj} (the kubelet asks for -998 for static
 * pods, and runc on machines without CAP_SYS_RESOURCE then refuses to start anything) and any restart policy other
 * than {@code no} (restarts are the agent's job, with the kubelet's backoff).
 */
final class DockerRunArgs {

    private DockerRunArgs() {
    }

    /** The full argv, starting with {@code docker} and ending with the image and the container's command. */
    static List<String> of(String docker, LaunchSpec spec) {
        List<String> argv = new ArrayList<>(List.of(docker, "run", "-d",
                // ensureImage decided about pulling already; a start must never pull behind imagePullPolicy's back
                "--pull=never",
                "--name", spec.name(), "--restart=no"));
        for (Map.Entry<String, String> label : new TreeMap<>(spec.labels()).entrySet()) {
            argv.add("--label");
            argv.add(label.getKey() + "=" + label.getValue());
        }
        for (LaunchSpec.EnvVar env : spec.env()) {
            argv.add("-e");
            argv.add(env.name() + "=" + env.value());
        }
        if (spec.workingDir() != null && !spec.workingDir().isEmpty()) {
            argv.add("-w");
            argv.add(spec.workingDir());
        }
        for (LaunchSpec.Mount mount : spec.mounts()) {
            argv.add("-v");
            argv.add(mount.hostPath() + ":" + mount.containerPath() + (mount.readOnly() ? ":ro" : ""));
        }
        if (spec.network().mode() == Namespace.Mode.OWN) {
            // Docker refuses published ports on a joined network, and ignores them on the host network
            for (LaunchSpec.PortMapping port : spec.ports()) {
                if (port.hostPort() > 0) {
                    argv.add("-p");
                    argv.add((port.hostIp() == null || port.hostIp().isEmpty() ? "" : port.hostIp() + ":")
                            + port.hostPort() + ":" + port.containerPort() + "/" + port.protocol());
                }
            }
        }
        namespace(argv, "--network", spec.network(), null);
        namespace(argv, "--ipc", spec.ipc(), "shareable");
        if (spec.hostname() != null && !spec.hostname().isEmpty()
                && spec.network().mode() != Namespace.Mode.CONTAINER) {
            argv.add("--hostname");
            argv.add(spec.hostname());
        }
        if (spec.stopSignal() != null && !spec.stopSignal().isEmpty()) {
            argv.add("--stop-signal");
            argv.add(spec.stopSignal());
        }
        List<String> entrypoint = spec.entrypoint() == null || spec.entrypoint().isEmpty() ? null : spec.entrypoint();
        if (entrypoint != null) {
            // --entrypoint takes one word and clears the image's CMD, as Kubernetes' command does
            argv.add("--entrypoint");
            argv.add(entrypoint.get(0));
        }
        argv.add(spec.image());
        if (entrypoint != null) {
            argv.addAll(entrypoint.subList(1, entrypoint.size()));
        }
        if (spec.args() != null) {
            argv.addAll(spec.args());
        }
        return argv;
    }

    private static void namespace(List<String> argv, String flag, Namespace ns, String ownValue) {
        switch (ns.mode()) {
            case OWN:
                if (ownValue != null) {
                    argv.add(flag);
                    argv.add(ownValue);
                }
                break;
            case HOST:
                argv.add(flag);
                argv.add("host");
                break;
            case CONTAINER:
                argv.add(flag);
                argv.add("container:" + ns.containerId());
                break;
            default:
                throw new IllegalArgumentException("unknown namespace mode " + ns.mode());
        }
    }
}
