package io.staticpod.agent.pod;

import com.fasterxml.jackson.databind.JsonNode;
import io.staticpod.manifest.StaticPod;
import io.staticpod.manifest.model.Container;
import io.staticpod.runtime.LaunchOptions;
import io.staticpod.runtime.LaunchSpec;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine settings a pod asks for, mapped as the kubelet's dockershim did: CPU requests to shares (at least 2),
 * CPU limits to a CFS quota over a 100 ms period, memory limits to a hard limit without extra swap; the security
 * context (pod level, overridden per container); seccomp {@code Unconfined} unless a profile is named (the 1.20
 * kubelet's default); host PID or a PID namespace shared through the sandbox; and, on whatever owns the network
 * (the sandbox, or each container of a host-network pod), host aliases, DNS settings and sysctls.
 */
final class PodOptions {
    static final long CPU_PERIOD = 100_000;
    private static final long MIN_SHARES = 2;
    private static final long MIN_QUOTA = 1_000;

    private PodOptions() {
    }

    /** Settings for an app or init container. {@code sandboxId} is null for a host-network pod. */
    static LaunchOptions container(StaticPod pod, Container c, String sandboxId) {
        JsonNode spec = pod.manifest().path("spec");
        JsonNode node = pod.containerManifest(c.name());
        JsonNode resources = node.path("resources");
        JsonNode podSc = spec.path("securityContext");
        JsonNode sc = node.path("securityContext");

        BigDecimal cpuRequest = quantity(resources.path("requests").path("cpu"),
                quantity(resources.path("limits").path("cpu"), null));
        BigDecimal cpuLimit = quantity(resources.path("limits").path("cpu"), null);
        BigDecimal memoryLimit = quantity(resources.path("limits").path("memory"), null);
        long shares = cpuRequest == null ? MIN_SHARES
                : Math.max(MIN_SHARES, cpuRequest.multiply(BigDecimal.valueOf(1024)).longValue());
        long quota = cpuLimit == null ? 0 : Math.max(MIN_QUOTA, cpuLimit.multiply(BigDecimal.valueOf(CPU_PERIOD)).longValue());

        Long uid = number(sc, podSc, "runAsUser");
        Long gid = number(sc, podSc, "runAsGroup");
        boolean runAsNonRoot = flag(sc, podSc, "runAsNonRoot");
        if (runAsNonRoot && (uid == null || uid == 0)) {
            throw new IllegalArgumentException(uid == null
                    ? "runAsNonRoot is set but runAsUser is not: set a non-zero runAsUser (this agent cannot check the"
                    + " image's user)"
                    : "runAsNonRoot is set and runAsUser is 0 (root): the container will not be started");
        }
        String user = uid == null ? null : gid == null ? uid.toString() : uid + ":" + gid;
        List<Long> groups = new ArrayList<>();
        podSc.path("supplementalGroups").forEach(g -> groups.add(g.asLong()));
        List<String> add = new ArrayList<>();
        List<String> drop = new ArrayList<>();
        sc.path("capabilities").path("add").forEach(x -> add.add(x.asText()));
        sc.path("capabilities").path("drop").forEach(x -> drop.add(x.asText()));
        boolean privileged = sc.path("privileged").asBoolean(false);
        boolean noNewPrivileges = sc.has("allowPrivilegeEscalation") && !sc.path("allowPrivilegeEscalation").asBoolean(true);

        LaunchSpec.Namespace pid = spec.path("hostPID").asBoolean(false) ? LaunchSpec.Namespace.host()
                : spec.path("shareProcessNamespace").asBoolean(false) && sandboxId != null
                ? LaunchSpec.Namespace.container(sandboxId) : LaunchSpec.Namespace.own();

        boolean ownsNetwork = sandboxId == null;
        return new LaunchOptions(shares, quota, quota > 0 ? CPU_PERIOD : 0,
                memoryLimit == null ? 0 : memoryLimit.longValue(), privileged, user, groups, add, drop,
                sc.path("readOnlyRootFilesystem").asBoolean(false), noNewPrivileges, seccomp(pod, sc, podSc),
                ownsNetwork ? sysctls(spec, true) : Map.of(), pid,
                ownsNetwork ? hosts(spec) : List.of(),
                ownsNetwork ? strings(spec.path("dnsConfig").path("nameservers")) : List.of(),
                ownsNetwork ? strings(spec.path("dnsConfig").path("searches")) : List.of(),
                ownsNetwork ? dnsOptions(spec) : List.of(), Map.of());
    }

    /** Settings of the sandbox: it owns the network, so names, DNS and network sysctls go there. */
    static LaunchOptions sandbox(StaticPod pod) {
        JsonNode spec = pod.manifest().path("spec");
        return new LaunchOptions(MIN_SHARES, 0, 0, 0, false, null, null, null, null, false, true, null,
                sysctls(spec, false), spec.path("hostPID").asBoolean(false) ? LaunchSpec.Namespace.host() : null,
                hosts(spec), strings(spec.path("dnsConfig").path("nameservers")),
                strings(spec.path("dnsConfig").path("searches")), dnsOptions(spec), Map.of());
    }

    private static Map<String, String> sysctls(JsonNode spec, boolean hostNetwork) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode s : spec.path("securityContext").path("sysctls")) {
            String name = s.path("name").asText();
            if (hostNetwork && name.startsWith("net.")) {
                throw new IllegalArgumentException("sysctl " + name + " is not allowed with hostNetwork: it would change"
                        + " the node's own network settings");
            }
            out.put(name, s.path("value").asText());
        }
        return out;
    }

    private static List<String> hosts(JsonNode spec) {
        List<String> out = new ArrayList<>();
        for (JsonNode alias : spec.path("hostAliases")) {
            for (JsonNode name : alias.path("hostnames")) {
                out.add(name.asText() + ":" + alias.path("ip").asText());
            }
        }
        return out;
    }

    private static List<String> dnsOptions(JsonNode spec) {
        List<String> out = new ArrayList<>();
        for (JsonNode o : spec.path("dnsConfig").path("options")) {
            out.add(o.hasNonNull("value") ? o.path("name").asText() + ":" + o.path("value").asText()
                    : o.path("name").asText());
        }
        return out;
    }

    private static String seccomp(StaticPod pod, JsonNode sc, JsonNode podSc) {
        JsonNode profile = sc.has("seccompProfile") ? sc.path("seccompProfile") : podSc.path("seccompProfile");
        String type = profile.path("type").asText("Unconfined");
        return switch (type) {
            case "RuntimeDefault" -> null;
            case "Localhost" -> "/var/lib/kubelet/seccomp/" + profile.path("localhostProfile").asText();
            default -> "unconfined";
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
