package io.staticpod.agent.launch;

import com.fasterxml.jackson.databind.JsonNode;
import io.staticpod.manifest.StaticPod;
import io.staticpod.manifest.model.Container;
import io.staticpod.manifest.model.ContainerPort;
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

/**
 * The engine settings a pod asks for, mapped as the kubelet does: CPU requests to shares (at least 2), CPU limits to a
 * CFS quota over a 100 ms period, memory limits to a hard limit; the security context (pod level, overridden per
 * container); seccomp {@code Unconfined} unless a profile is named (the 1.20 kubelet's default); the namespaces
 * (hostNetwork, hostPID, shareProcessNamespace, hostIPC), DNS settings, sysctls and host ports of the sandbox.
 *
 * <p>These are the fields the typed pod model does not carry yet: they are read from the manifest's tree here, and
 * nowhere else.
 */
final class PodSettings {
    static final long CPU_PERIOD = 100_000;
    private static final long MIN_SHARES = 2;
    private static final long MIN_QUOTA = 1_000;

    private PodSettings() {
    }

    static Resources resources(StaticPod pod, Container c) {
        JsonNode resources = pod.containerManifest(c.name()).path("resources");
        BigDecimal cpuLimit = quantity(resources.path("limits").path("cpu"), null);
        BigDecimal cpuRequest = quantity(resources.path("requests").path("cpu"), cpuLimit);
        BigDecimal memoryLimit = quantity(resources.path("limits").path("memory"), null);
        long shares = cpuRequest == null ? MIN_SHARES
                : Math.max(MIN_SHARES, cpuRequest.multiply(BigDecimal.valueOf(1024)).longValue());
        long quota = cpuLimit == null ? 0
                : Math.max(MIN_QUOTA, cpuLimit.multiply(BigDecimal.valueOf(CPU_PERIOD)).longValue());
        return new Resources(shares, quota, quota > 0 ? CPU_PERIOD : 0,
                memoryLimit == null ? 0 : memoryLimit.longValue(), 0);
    }

    /**
     * @throws LaunchException when the settings cannot be honoured (runAsNonRoot without a non-root user)
     */
    static ContainerSecurity security(StaticPod pod, Container c) throws LaunchException {
        JsonNode podSc = pod.manifest().path("spec").path("securityContext");
        JsonNode sc = pod.containerManifest(c.name()).path("securityContext");
        Long uid = number(sc, podSc, "runAsUser");
        Long gid = number(sc, podSc, "runAsGroup");
        if (flag(sc, podSc, "runAsNonRoot") && (uid == null || uid == 0)) {
            throw new LaunchException("container " + c.name() + ": " + (uid == null
                    ? "runAsNonRoot is set but runAsUser is not: set a non-zero runAsUser (this agent cannot check the"
                    + " image's user)"
                    : "runAsNonRoot is set and runAsUser is 0 (root): the container will not be started"));
        }
        List<Long> groups = new ArrayList<>();
        podSc.path("supplementalGroups").forEach(g -> groups.add(g.asLong()));
        boolean noNewPrivileges = sc.has("allowPrivilegeEscalation")
                && !sc.path("allowPrivilegeEscalation").asBoolean(true);
        return new ContainerSecurity(sc.path("privileged").asBoolean(false), uid, gid, groups,
                strings(sc.path("capabilities").path("add")), strings(sc.path("capabilities").path("drop")),
                sc.path("readOnlyRootFilesystem").asBoolean(false), noNewPrivileges, seccomp(sc, podSc),
                namespaces(pod).pid());
    }

    /** The container must not run as root ({@code runAsNonRoot}, the container's over the pod's). */
    static boolean runAsNonRoot(StaticPod pod, Container c) {
        return flag(pod.containerManifest(c.name()).path("securityContext"),
                pod.manifest().path("spec").path("securityContext"), "runAsNonRoot");
    }

    /** Network, PID and IPC namespaces of the pod's sandbox (and so of its containers). */
    static NamespaceOptions namespaces(StaticPod pod) {
        JsonNode spec = pod.manifest().path("spec");
        NamespaceMode pid = spec.path("hostPID").asBoolean(false) ? NamespaceMode.NODE
                : spec.path("shareProcessNamespace").asBoolean(false) ? NamespaceMode.POD : NamespaceMode.CONTAINER;
        return new NamespaceOptions(pod.pod().spec().hostNetwork() ? NamespaceMode.NODE : NamespaceMode.POD, pid,
                pod.pod().spec().hostIPC() ? NamespaceMode.NODE : NamespaceMode.POD);
    }

    /** Some container of the pod (init or app) is privileged: the sandbox must allow it. */
    static boolean privileged(StaticPod pod) {
        JsonNode spec = pod.manifest().path("spec");
        for (String list : new String[]{"initContainers", "containers"}) {
            for (JsonNode c : spec.path(list)) {
                if (c.path("securityContext").path("privileged").asBoolean(false)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The pod's sysctls.
     *
     * @throws LaunchException for a network sysctl on a host-network pod: it would change the node's own settings
     */
    static Map<String, String> sysctls(StaticPod pod) throws LaunchException {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode s : pod.manifest().path("spec").path("securityContext").path("sysctls")) {
            String name = s.path("name").asText();
            if (pod.pod().spec().hostNetwork() && name.startsWith("net.")) {
                throw new LaunchException("sysctl " + name + " is not allowed with hostNetwork: it would change the"
                        + " node's own network settings");
            }
            out.put(name, s.path("value").asText());
        }
        return out;
    }

    /** {@code spec.dnsConfig}; none given: the node's resolv.conf, as the engine copies it. */
    static DnsConfig dns(StaticPod pod) {
        JsonNode dns = pod.manifest().path("spec").path("dnsConfig");
        List<String> options = new ArrayList<>();
        for (JsonNode o : dns.path("options")) {
            options.add(o.hasNonNull("value") ? o.path("name").asText() + ":" + o.path("value").asText()
                    : o.path("name").asText());
        }
        return new DnsConfig(strings(dns.path("nameservers")), strings(dns.path("searches")), options);
    }

    /** {@code spec.hostAliases} as (address, names) pairs, in order. */
    static List<Map.Entry<String, List<String>>> hostAliases(StaticPod pod) {
        List<Map.Entry<String, List<String>>> out = new ArrayList<>();
        for (JsonNode alias : pod.manifest().path("spec").path("hostAliases")) {
            out.add(Map.entry(alias.path("ip").asText(), strings(alias.path("hostnames"))));
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

    private static Seccomp seccomp(JsonNode sc, JsonNode podSc) {
        JsonNode profile = sc.has("seccompProfile") ? sc.path("seccompProfile") : podSc.path("seccompProfile");
        return switch (profile.path("type").asText("Unconfined")) {
            case "RuntimeDefault" -> Seccomp.RUNTIME_DEFAULT;
            case "Localhost" -> Seccomp.localhost("/var/lib/kubelet/seccomp/" + profile.path("localhostProfile").asText());
            default -> Seccomp.UNCONFINED;
        };
    }

    private static Long number(JsonNode sc, JsonNode podSc, String field) {
        JsonNode n = sc.has(field) ? sc.get(field) : podSc.get(field);
        return n == null || n.isNull() ? null : n.asLong();
    }

    private static boolean flag(JsonNode sc, JsonNode podSc, String field) {
        JsonNode n = sc.has(field) ? sc.get(field) : podSc.get(field);
        return n != null && n.asBoolean(false);
    }

    private static BigDecimal quantity(JsonNode n, BigDecimal otherwise) {
        return n == null || n.isMissingNode() || n.isNull() ? otherwise : Quantity.parse(n.asText());
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(x -> out.add(x.asText()));
        return out;
    }
}
