package io.staticpod.agent.launch;

import io.staticpod.manifest.StaticPod;
import io.staticpod.manifest.model.Container;
import io.staticpod.manifest.model.ContainerPort;
import io.staticpod.manifest.model.Namespaces;
import io.staticpod.manifest.model.PodDns;
import io.staticpod.manifest.model.PodSecurityContext;
import io.staticpod.manifest.model.Quantity;
import io.staticpod.manifest.model.ResourceList;
import io.staticpod.manifest.model.RunAs;
import io.staticpod.manifest.model.SeccompProfile;
import io.staticpod.manifest.model.SecurityContext;
import io.staticpod.runtime.spi.ContainerSecurity;
import io.staticpod.runtime.spi.DnsConfig;
import io.staticpod.runtime.spi.NamespaceMode;
import io.staticpod.runtime.spi.NamespaceOptions;
import io.staticpod.runtime.spi.PortMapping;
import io.staticpod.runtime.spi.Resources;
import io.staticpod.runtime.spi.Seccomp;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The engine settings a pod asks for, mapped as the kubelet does: CPU requests to shares (at least 2), CPU limits to a
 * CFS quota over a 100 ms period, memory limits to a hard limit; the security context (the container's effective one,
 * merged with the pod's by the reader); seccomp {@code Unconfined} unless a profile is named (the 1.20 kubelet's
 * default); the namespaces (hostNetwork, hostPID, shareProcessNamespace, hostIPC), DNS settings, sysctls and host
 * ports of the sandbox. Everything is read from the typed pod ({@link StaticPod#pod()}).
 */
final class PodSettings {
    static final long CPU_PERIOD = 100_000;
    private static final long MIN_SHARES = 2;
    private static final long MIN_QUOTA = 1_000;

    private PodSettings() {
    }

    /** Requests are defaulted from limits by the reader, as by the API server. */
    static Resources resources(StaticPod pod, Container c) {
        ResourceList requests = c.resources().requests();
        ResourceList limits = c.resources().limits();
        BigDecimal cpuRequest = amount(requests.cpu());
        BigDecimal cpuLimit = amount(limits.cpu());
        Quantity memoryLimit = limits.memory();
        long shares = cpuRequest == null ? MIN_SHARES
                : Math.max(MIN_SHARES, cpuRequest.multiply(BigDecimal.valueOf(1024)).longValue());
        long quota = cpuLimit == null ? 0
                : Math.max(MIN_QUOTA, cpuLimit.multiply(BigDecimal.valueOf(CPU_PERIOD)).longValue());
        return new Resources(shares, quota, quota > 0 ? CPU_PERIOD : 0,
                memoryLimit == null ? 0 : memoryLimit.amount().longValue(), 0);
    }

    /**
     * @throws LaunchException when the settings cannot be honoured (runAsNonRoot without a non-root user)
     */
    static ContainerSecurity security(StaticPod pod, Container c) throws LaunchException {
        SecurityContext sc = c.security();
        RunAs runAs = sc.runAs();
        Long uid = runAs.user();
        if (runAs.nonRoot() && (uid == null || uid == 0)) {
            throw new LaunchException("container " + c.name() + ": " + (uid == null
                    ? "runAsNonRoot is set but runAsUser is not: set a non-zero runAsUser (this agent cannot check the"
                    + " image's user)"
                    : "runAsNonRoot is set and runAsUser is 0 (root): the container will not be started"));
        }
        return new ContainerSecurity(sc.privileged(), uid, runAs.group(), sc.supplementalGroups(),
                sc.capabilities().add(), sc.capabilities().drop(), sc.readOnlyRootFilesystem(), sc.noNewPrivileges(),
                seccomp(sc.seccompProfile()), namespaces(pod).pid());
    }

    /** The container must not run as root ({@code runAsNonRoot}, the container's over the pod's). */
    static boolean runAsNonRoot(Container c) {
        return c.security().runAs().nonRoot();
    }

    /** Network, PID and IPC namespaces of the pod's sandbox (and so of its containers). */
    static NamespaceOptions namespaces(StaticPod pod) {
        Namespaces ns = pod.pod().spec().namespaces();
        NamespaceMode pid = ns.hostPID() ? NamespaceMode.NODE
                : ns.shareProcessNamespace() ? NamespaceMode.POD : NamespaceMode.CONTAINER;
        return new NamespaceOptions(ns.hostNetwork() ? NamespaceMode.NODE : NamespaceMode.POD, pid,
                ns.hostIPC() ? NamespaceMode.NODE : NamespaceMode.POD);
    }

    /** Some container of the pod (init or app) is privileged: the sandbox must allow it. */
    static boolean privileged(StaticPod pod) {
        return pod.pod().spec().allContainers().stream().anyMatch(c -> c.security().privileged());
    }

    /**
     * The pod's sysctls.
     *
     * @throws LaunchException for a network sysctl on a host-network pod: it would change the node's own settings
     */
    static Map<String, String> sysctls(StaticPod pod) throws LaunchException {
        Map<String, String> out = new LinkedHashMap<>();
        for (PodSecurityContext.Sysctl s : pod.pod().spec().securityContext().sysctls()) {
            if (pod.pod().spec().hostNetwork() && s.name().startsWith("net.")) {
                throw new LaunchException("sysctl " + s.name() + " is not allowed with hostNetwork: it would change"
                        + " the node's own network settings");
            }
            out.put(s.name(), Objects.toString(s.value(), ""));
        }
        return out;
    }

    /** {@code spec.dnsConfig}; none given: the node's resolv.conf, as the engine copies it. */
    static DnsConfig dns(StaticPod pod) {
        PodDns.DnsConfig dns = pod.pod().spec().dns().config();
        return new DnsConfig(dns.nameservers(), dns.searches(),
                dns.options().stream().map(PodDns.Option::resolvConf).toList());
    }

    /** {@code spec.hostAliases} as (address, names) pairs, in order. */
    static List<Map.Entry<String, List<String>>> hostAliases(StaticPod pod) {
        List<Map.Entry<String, List<String>>> out = new ArrayList<>();
        for (PodDns.HostAlias alias : pod.pod().spec().dns().hostAliases()) {
            out.add(Map.entry(Objects.toString(alias.ip(), ""), alias.hostnames()));
        }
        return out;
    }

    /** Every container port with a host port; none on the node's network, where the ports are the node's anyway. */
    static List<PortMapping> portMappings(StaticPod pod) {
        List<PortMapping> out = new ArrayList<>();
        if (pod.pod().spec().hostNetwork()) {
            return out;
        }
        for (Container c : pod.pod().spec().containers()) {
            for (ContainerPort p : c.ports()) {
                if (p.hostPort() > 0) {
                    out.add(new PortMapping(PortMapping.Protocol.valueOf(p.protocol() == null ? "TCP"
                            : p.protocol().toUpperCase(Locale.ROOT)), p.containerPort(), p.hostPort(), p.hostIP()));
                }
            }
        }
        return out;
    }

    private static Seccomp seccomp(SeccompProfile profile) {
        return switch (profile.type()) {
            case RuntimeDefault -> Seccomp.RUNTIME_DEFAULT;
            case Localhost -> Seccomp.localhost("/var/lib/kubelet/seccomp/"
                    + Objects.toString(profile.localhostProfile(), ""));
            case Unconfined -> Seccomp.UNCONFINED;
        };
    }

    /** The exact amount of a quantity (cores), or null when not set. */
    private static BigDecimal amount(Quantity q) {
        return q == null ? null : q.amount();
    }
}
