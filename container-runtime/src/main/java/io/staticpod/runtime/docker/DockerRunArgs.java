package io.staticpod.runtime.docker;

import io.staticpod.runtime.LaunchOptions;
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
        options(argv, spec.options());
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

    /** Resources and security as dockershim mapped them (cpu shares and CFS quota, memory, capabilities …). */
    private static void options(List<String> argv, LaunchOptions o) {
        flag(argv, "--cpu-shares", o.cpuShares());
        flag(argv, "--cpu-period", o.cpuPeriodMicros());
        flag(argv, "--cpu-quota", o.cpuQuotaMicros());
        if (o.memoryLimitBytes() > 0) {
            argv.add("--memory");
            argv.add(o.memoryLimitBytes() + "b");
            // no swap beyond the limit, as the kubelet sets MemorySwap equal to the limit
            argv.add("--memory-swap");
            argv.add(o.memoryLimitBytes() + "b");
        }
        if (o.privileged()) {
            argv.add("--privileged");
        }
        if (o.user() != null) {
            argv.add("--user");
            argv.add(o.user());
        }
        o.supplementalGroups().forEach(g -> {
            argv.add("--group-add");
            argv.add(Long.toString(g));
        });
        o.capAdd().forEach(c -> {
            argv.add("--cap-add");
            argv.add(c);
        });
        o.capDrop().forEach(c -> {
            argv.add("--cap-drop");
            argv.add(c);
        });
        if (o.readOnlyRootFilesystem()) {
            argv.add("--read-only");
        }
        if (o.noNewPrivileges()) {
            argv.add("--security-opt");
            argv.add("no-new-privileges");
        }
        if (o.seccomp() != null) {
            argv.add("--security-opt");
            argv.add("seccomp=" + o.seccomp());
        }
        new TreeMap<>(o.sysctls()).forEach((k, v) -> {
            argv.add("--sysctl");
            argv.add(k + "=" + v);
        });
        namespace(argv, "--pid", o.pid(), null);
        o.extraHosts().forEach(h -> {
            argv.add("--add-host");
            argv.add(h);
        });
        o.dnsServers().forEach(d -> {
            argv.add("--dns");
            argv.add(d);
        });
        o.dnsSearches().forEach(d -> {
            argv.add("--dns-search");
            argv.add(d);
        });
        o.dnsOptions().forEach(d -> {
            argv.add("--dns-option");
            argv.add(d);
        });
        new TreeMap<>(o.tmpfs()).forEach((path, opts) -> {
            argv.add("--tmpfs");
            argv.add(opts == null || opts.isEmpty() ? path : path + ":" + opts);
        });
    }

    private static void flag(List<String> argv, String flag, long value) {
        if (value > 0) {
            argv.add(flag);
            argv.add(Long.toString(value));
        }
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
