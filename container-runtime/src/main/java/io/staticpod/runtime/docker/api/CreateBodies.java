package io.staticpod.runtime.docker.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.staticpod.runtime.docker.DockerLabels;
import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.ContainerSecurity;
import io.staticpod.runtime.spi.DnsConfig;
import io.staticpod.runtime.spi.Mount;
import io.staticpod.runtime.spi.NamespaceMode;
import io.staticpod.runtime.spi.PortMapping;
import io.staticpod.runtime.spi.Resources;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.SandboxConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The bodies of {@code POST /containers/create} for a sandbox's pause container and for a container in it, in
 * dockershim's shape. The pause container owns the pod's network (the default bridge, or the node's), its IPC
 * namespace ({@code shareable}, so that containers can join it), the published ports, host name, DNS and sysctls;
 * containers join it with {@code container:<sandbox>} for network and IPC, and for PID when the pod shares one.
 *
 * <p>Deliberately absent: any restart policy but {@code no} (restarts are the agent's, with the kubelet's back-off),
 * and a negative {@code OomScoreAdj} (the kubelet asks for -998 for static pods; runc cannot set it where root lacks
 * CAP_SYS_RESOURCE, and then nothing starts). The environment goes in the body only: never on a command line, never
 * in a log or an error.
 */
final class CreateBodies {

    private CreateBodies() {
    }

    static ObjectNode sandbox(SandboxConfig config, String image) {
        ObjectNode body = ApiClient.JSON.createObjectNode();
        boolean host = config.hostNetwork();
        body.put("Image", image);
        if (!host && config.hostname() != null && !config.hostname().isEmpty()) {
            body.put("Hostname", config.hostname());
        }
        body.set("Labels", ApiClient.JSON.valueToTree(DockerLabels.ofSandbox(config)));
        ObjectNode hostConfig = body.putObject("HostConfig");
        hostConfig.put("NetworkMode", host ? "host" : "default");
        if (!host && !config.portMappings().isEmpty()) {
            ObjectNode exposed = body.putObject("ExposedPorts");
            ObjectNode bindings = hostConfig.putObject("PortBindings");
            for (PortMapping p : config.portMappings()) {
                String port = p.containerPort() + "/" + p.protocol().name().toLowerCase(Locale.ROOT);
                exposed.putObject(port);
                ArrayNode list = bindings.has(port) ? (ArrayNode) bindings.get(port) : bindings.putArray(port);
                list.addObject().put("HostIp", p.hostIp()).put("HostPort", Integer.toString(p.hostPort()));
            }
        }
        hostConfig.put("IpcMode", config.namespaces().ipc() == NamespaceMode.NODE ? "host" : "shareable");
        if (config.namespaces().pid() == NamespaceMode.NODE) {
            hostConfig.put("PidMode", "host");
        }
        DnsConfig dns = config.dns();
        strings(hostConfig, "Dns", dns.servers());
        strings(hostConfig, "DnsSearch", dns.searches());
        strings(hostConfig, "DnsOptions", dns.options());
        if (!config.sysctls().isEmpty()) {
            hostConfig.set("Sysctls", ApiClient.JSON.valueToTree(config.sysctls()));
        }
        hostConfig.putObject("RestartPolicy").put("Name", "no");
        return body;
    }

    /** The body of a container in {@code sandboxId}; {@code env} is the deduplicated environment (see {@link #env}). */
    static ObjectNode container(String sandboxId, ContainerConfig config, SandboxConfig pod, Map<String, String> env) {
        ObjectNode body = ApiClient.JSON.createObjectNode();
        body.put("Image", config.image());
        if (config.command() != null && !config.command().isEmpty()) {
            // an entrypoint given drops the image's Cmd too (Docker inherits Cmd only without one), as Kubernetes
            strings(body, "Entrypoint", config.command());
        }
        if (config.args() != null) {
            strings(body, "Cmd", config.args());
        }
        ArrayNode envArray = body.putArray("Env");
        env.forEach((name, value) -> envArray.add(name + "=" + value));
        if (config.workingDir() != null && !config.workingDir().isEmpty()) {
            body.put("WorkingDir", config.workingDir());
        }
        ContainerSecurity security = config.security();
        if (security.runAsUser() != null) {
            body.put("User", security.runAsUser() + (security.runAsGroup() == null ? "" : ":" + security.runAsGroup()));
        }
        body.set("Labels", ApiClient.JSON.valueToTree(DockerLabels.ofContainer(sandboxId, config)));
        ObjectNode hostConfig = body.putObject("HostConfig");
        String joined = "container:" + sandboxId;
        hostConfig.put("NetworkMode", pod.hostNetwork() ? "host" : joined);
        hostConfig.put("IpcMode", pod.namespaces().ipc() == NamespaceMode.NODE ? "host" : joined);
        NamespaceMode pid = pid(config, pod);
        if (pid == NamespaceMode.POD) {
            hostConfig.put("PidMode", joined);
        } else if (pid == NamespaceMode.NODE) {
            hostConfig.put("PidMode", "host");
        }
        mounts(hostConfig, config.mounts());
        resources(hostConfig, config.resources());
        security(hostConfig, security);
        hostConfig.putObject("RestartPolicy").put("Name", "no");
        return body;
    }

    /**
     * A container's PID namespace: its own setting when that is the pod's or the node's, else the pod's
     * ({@link io.staticpod.runtime.spi.NamespaceOptions#pid()}), so that either place may say it.
     */
    static NamespaceMode pid(ContainerConfig config, SandboxConfig pod) {
        NamespaceMode own = config.security().pid();
        return own != NamespaceMode.CONTAINER ? own : pod.namespaces().pid();
    }

    private static void mounts(ObjectNode hostConfig, List<Mount> mounts) {
        ArrayNode binds = ApiClient.JSON.createArrayNode();
        ObjectNode tmpfs = ApiClient.JSON.createObjectNode();
        for (Mount m : mounts) {
            if (m.type() == Mount.Type.BIND) {
                binds.add(m.hostPath() + ":" + m.containerPath() + (m.readOnly() ? ":ro" : ""));
            } else {
                tmpfs.put(m.containerPath(), m.sizeBytes() > 0 ? "size=" + m.sizeBytes() : "");
            }
        }
        if (!binds.isEmpty()) {
            hostConfig.set("Binds", binds);
        }
        if (!tmpfs.isEmpty()) {
            hostConfig.set("Tmpfs", tmpfs);
        }
    }

    private static void resources(ObjectNode hostConfig, Resources r) {
        positive(hostConfig, "CpuShares", r.cpuShares());
        positive(hostConfig, "CpuQuota", r.cpuQuotaMicros());
        positive(hostConfig, "CpuPeriod", r.cpuQuotaMicros() > 0 && r.cpuPeriodMicros() == 0 ? 100_000
                : r.cpuPeriodMicros());
        if (r.memoryLimitBytes() > 0) {
            hostConfig.put("Memory", r.memoryLimitBytes());
            hostConfig.put("MemorySwap", r.memoryLimitBytes()); // no swap beyond the limit, as the kubelet
        }
        positive(hostConfig, "OomScoreAdj", r.oomScoreAdj()); // never a negative one: see the class comment
    }

    private static void security(ObjectNode hostConfig, ContainerSecurity s) {
        if (s.privileged()) {
            hostConfig.put("Privileged", true);
        }
        strings(hostConfig, "CapAdd", s.capAdd());
        strings(hostConfig, "CapDrop", s.capDrop());
        if (s.readOnlyRootFilesystem()) {
            hostConfig.put("ReadonlyRootfs", true);
        }
        if (!s.supplementalGroups().isEmpty()) {
            ArrayNode groups = hostConfig.putArray("GroupAdd");
            s.supplementalGroups().forEach(g -> groups.add(Long.toString(g)));
        }
        ArrayNode opts = ApiClient.JSON.createArrayNode();
        if (s.noNewPrivileges()) {
            opts.add("no-new-privileges");
        }
        switch (s.seccomp().kind()) {
            case UNCONFINED:
                opts.add("seccomp=unconfined");
                break;
            case LOCALHOST:
                opts.add("seccomp=" + readProfile(s.seccomp().localhostPath()));
                break;
            default:
                break; // the engine's default profile
        }
        if (!opts.isEmpty()) {
            hostConfig.set("SecurityOpt", opts);
        }
    }

    /** Docker takes a profile's JSON itself, not its path (its CLI reads the file). */
    private static String readProfile(String path) {
        try {
            return Files.readString(Path.of(path));
        } catch (IOException e) {
            throw new RuntimeError.Refused("cannot read the seccomp profile " + path + ": " + e.getMessage(), e);
        }
    }

    private static void positive(ObjectNode node, String field, long value) {
        if (value > 0) {
            node.put(field, value);
        }
    }

    private static void strings(ObjectNode node, String field, Collection<String> values) {
        if (!values.isEmpty()) {
            ArrayNode array = node.putArray(field);
            values.forEach(array::add);
        }
    }
}
