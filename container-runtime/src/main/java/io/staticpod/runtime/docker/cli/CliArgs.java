package io.staticpod.runtime.docker.cli;

import io.staticpod.runtime.docker.DockerLabels;
import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.ContainerSecurity;
import io.staticpod.runtime.spi.DnsConfig;
import io.staticpod.runtime.spi.Mount;
import io.staticpod.runtime.spi.NamespaceMode;
import io.staticpod.runtime.spi.PortMapping;
import io.staticpod.runtime.spi.Resources;
import io.staticpod.runtime.spi.SandboxConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The arguments of {@code docker run -d} for a sandbox's pause container and of {@code docker create} for a
 * container in it: the same containers as the Engine API adapter's bodies ({@code docker.api.CreateBodies}), flag by
 * flag. Never {@code --oom-score-adj} below zero, never a restart policy but {@code no}, never a pull behind the
 * caller's back ({@code --pull=never}); the environment as {@link CliEnv} says.
 */
final class CliArgs {

    private CliArgs() {
    }

    /** {@code run -d ...} for the sandbox (without the leading docker command). */
    static List<String> sandbox(String name, SandboxConfig config, String image) {
        List<String> a = new ArrayList<>(List.of("run", "-d", "--pull=never", "--restart=no", "--name", name));
        labels(a, DockerLabels.ofSandbox(config));
        boolean host = config.hostNetwork();
        flag(a, "--network", host ? "host" : "default");
        if (!host && config.hostname() != null && !config.hostname().isEmpty()) {
            flag(a, "--hostname", config.hostname());
        }
        if (!host) {
            for (PortMapping p : config.portMappings()) {
                flag(a, "-p", (p.hostIp().isEmpty() ? "" : p.hostIp() + ":") + p.hostPort() + ":" + p.containerPort()
                        + "/" + p.protocol().name().toLowerCase(Locale.ROOT));
            }
        }
        flag(a, "--ipc", config.namespaces().ipc() == NamespaceMode.NODE ? "host" : "shareable");
        if (config.namespaces().pid() == NamespaceMode.NODE) {
            flag(a, "--pid", "host");
        }
        DnsConfig dns = config.dns();
        dns.servers().forEach(s -> flag(a, "--dns", s));
        dns.searches().forEach(s -> flag(a, "--dns-search", s));
        dns.options().forEach(s -> flag(a, "--dns-option", s));
        new java.util.TreeMap<>(config.sysctls()).forEach((k, v) -> flag(a, "--sysctl", k + "=" + v));
        a.add(image);
        return a;
    }

    /** {@code create ...} for a container in {@code sandboxId} (without the leading docker command). */
    static List<String> container(String name, String sandboxId, ContainerConfig config, SandboxConfig pod,
                                  CliEnv env, Path envFile) {
        List<String> a = new ArrayList<>(List.of("create", "--pull=never", "--restart=no", "--name", name));
        labels(a, DockerLabels.ofContainer(sandboxId, config));
        if (envFile != null) {
            flag(a, "--env-file", envFile.toString());
        }
        env.processEnv().keySet().stream().sorted().forEach(n -> flag(a, "-e", n));
        env.onArgv().forEach(assignment -> flag(a, "-e", assignment));
        if (config.workingDir() != null && !config.workingDir().isEmpty()) {
            flag(a, "-w", config.workingDir());
        }
        String joined = "container:" + sandboxId;
        flag(a, "--network", pod.hostNetwork() ? "host" : joined);
        flag(a, "--ipc", pod.namespaces().ipc() == NamespaceMode.NODE ? "host" : joined);
        ContainerSecurity s = config.security();
        // the container's own setting when it is the pod's or the node's, else the pod's (as the API adapter)
        NamespaceMode pid = s.pid() != NamespaceMode.CONTAINER ? s.pid() : pod.namespaces().pid();
        if (pid != NamespaceMode.CONTAINER) {
            flag(a, "--pid", pid == NamespaceMode.NODE ? "host" : joined);
        }
        for (Mount m : config.mounts()) {
            if (m.type() == Mount.Type.BIND) {
                flag(a, "-v", m.hostPath() + ":" + m.containerPath() + (m.readOnly() ? ":ro" : ""));
            } else {
                flag(a, "--tmpfs", m.containerPath() + (m.sizeBytes() > 0 ? ":size=" + m.sizeBytes() : ""));
            }
        }
        resources(a, config.resources());
        security(a, s);
        List<String> command = config.command() == null || config.command().isEmpty() ? null : config.command();
        if (command != null) {
            // one word only; it drops the image's Cmd, as Kubernetes' command does
            flag(a, "--entrypoint", command.get(0));
        }
        a.add(config.image());
        if (command != null) {
            a.addAll(command.subList(1, command.size()));
        }
        if (config.args() != null) {
            a.addAll(config.args());
        }
        return a;
    }

    private static void resources(List<String> a, Resources r) {
        positive(a, "--cpu-shares", r.cpuShares());
        positive(a, "--cpu-quota", r.cpuQuotaMicros());
        positive(a, "--cpu-period", r.cpuQuotaMicros() > 0 && r.cpuPeriodMicros() == 0 ? 100_000 : r.cpuPeriodMicros());
        if (r.memoryLimitBytes() > 0) {
            flag(a, "--memory", r.memoryLimitBytes() + "b");
            flag(a, "--memory-swap", r.memoryLimitBytes() + "b"); // no swap beyond the limit, as the kubelet
        }
        positive(a, "--oom-score-adj", r.oomScoreAdj()); // never a negative one
    }

    private static void security(List<String> a, ContainerSecurity s) {
        if (s.privileged()) {
            a.add("--privileged");
        }
        if (s.runAsUser() != null) {
            flag(a, "--user", s.runAsUser() + (s.runAsGroup() == null ? "" : ":" + s.runAsGroup()));
        }
        s.supplementalGroups().forEach(g -> flag(a, "--group-add", Long.toString(g)));
        s.capAdd().forEach(c -> flag(a, "--cap-add", c));
        s.capDrop().forEach(c -> flag(a, "--cap-drop", c));
        if (s.readOnlyRootFilesystem()) {
            a.add("--read-only");
        }
        if (s.noNewPrivileges()) {
            flag(a, "--security-opt", "no-new-privileges");
        }
        switch (s.seccomp().kind()) {
            case UNCONFINED:
                flag(a, "--security-opt", "seccomp=unconfined");
                break;
            case LOCALHOST:
                flag(a, "--security-opt", "seccomp=" + s.seccomp().localhostPath()); // the CLI reads the file
                break;
            default:
                break;
        }
    }

    private static void labels(List<String> a, Map<String, String> labels) {
        labels.forEach((k, v) -> flag(a, "--label", k + "=" + v));
    }

    private static void positive(List<String> a, String flag, long value) {
        if (value > 0) {
            flag(a, flag, Long.toString(value));
        }
    }

    private static void flag(List<String> a, String flag, String value) {
        a.add(flag);
        a.add(value);
    }
}
