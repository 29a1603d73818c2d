package io.staticpod.agent.launch;

import com.fasterxml.jackson.databind.JsonNode;
import io.staticpod.manifest.StaticPod;
import io.staticpod.manifest.model.Container;
import io.staticpod.manifest.model.EnvVar;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A container's environment as Kubernetes builds it: plain values, {@code valueFrom.fieldRef} (the downward API)
 * and {@code valueFrom.resourceFieldRef}, with {@code $(VAR)} references expanded in values, command and args
 * ({@code $$} is a literal {@code $}; a reference to an undefined variable is left as written).
 */
public final class EnvResolver {
    private final String nodeName;
    private final String nodeAddress;
    private final int nodeCpus;
    private final long nodeMemory;

    public EnvResolver(String nodeName, String nodeAddress, int nodeCpus, long nodeMemory) {
        this.nodeName = nodeName;
        this.nodeAddress = nodeAddress;
        this.nodeCpus = nodeCpus;
        this.nodeMemory = nodeMemory;
    }

    /** The resolved environment, in order. */
    Map<String, String> env(StaticPod pod, Container c, String podIp) {
        JsonNode envNodes = pod.containerManifest(c.name()).path("env");
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < c.env().size(); i++) {
            EnvVar e = c.env().get(i);
            String value = e.value() != null ? expand(e.value(), env)
                    : valueFrom(pod, c, envNodes.path(i).path("valueFrom"), podIp);
            env.put(e.name(), value);
        }
        return env;
    }

    static List<io.staticpod.runtime.spi.EnvVar> runtimeEnv(Map<String, String> env) {
        List<io.staticpod.runtime.spi.EnvVar> out = new ArrayList<>();
        env.forEach((k, v) -> out.add(new io.staticpod.runtime.spi.EnvVar(k, v)));
        return out;
    }

    static List<String> expand(List<String> args, Map<String, String> env) {
        if (args == null) {
            return null;
        }
        return args.stream().map(a -> expand(a, env)).toList();
    }

    /** Kubernetes' {@code expansion.Expand}: {@code $(NAME)} from env, {@code $$} to {@code $}. */
    static String expand(String input, Map<String, String> env) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < input.length()) {
            char ch = input.charAt(i);
            if (ch == '$' && i + 1 < input.length()) {
                char next = input.charAt(i + 1);
                if (next == '$') {
                    out.append('$');
                    i += 2;
                    continue;
                }
                if (next == '(') {
                    int close = input.indexOf(')', i + 2);
                    if (close > 0) {
                        String name = input.substring(i + 2, close);
                        String value = env.get(name);
                        out.append(value != null ? value : input.substring(i, close + 1));
                        i = close + 1;
                        continue;
                    }
                }
            }
            out.append(ch);
            i++;
        }
        return out.toString();
    }

    private String valueFrom(StaticPod pod, Container c, JsonNode from, String podIp) {
        if (from.has("fieldRef")) {
            String path = from.path("fieldRef").path("fieldPath").asText("");
            return field(pod, path, podIp);
        }
        if (from.has("resourceFieldRef")) {
            JsonNode ref = from.path("resourceFieldRef");
            String resource = ref.path("resource").asText("");
            String containerName = ref.path("containerName").asText("");
            Container target = c;
            if (!containerName.isEmpty()) {
                target = pod.pod().spec().containers().stream().filter(x -> x.name().equals(containerName))
                        .findFirst().orElse(c);
            }
            JsonNode resources = pod.containerManifest(target.name()).path("resources");
            return resource(resources, resource, ref.path("divisor").asText(null));
        }
        return "";
    }

    private String field(StaticPod pod, String path, String podIp) {
        var meta = pod.pod().metadata();
        if (path.startsWith("metadata.labels['") && path.endsWith("']")) {
            return meta.labels().getOrDefault(path.substring(17, path.length() - 2), "");
        }
        if (path.startsWith("metadata.annotations['") && path.endsWith("']")) {
            return meta.annotations().getOrDefault(path.substring(22, path.length() - 2), "");
        }
        return switch (path) {
            case "metadata.name" -> pod.key().name();
            case "metadata.namespace" -> pod.key().namespace();
            case "metadata.uid" -> pod.uid();
            case "spec.nodeName" -> nodeName;
            case "spec.serviceAccountName" -> "";
            case "status.hostIP", "status.hostIPs" -> nodeAddress;
            case "status.podIP", "status.podIPs" -> pod.pod().spec().hostNetwork() || podIp == null ? nodeAddress
                    : podIp;
            default -> "";
        };
    }

    private String resource(JsonNode resources, String resource, String divisor) {
        String[] parts = resource.split("\\.", 2);
        if (parts.length != 2) {
            return "";
        }
        String kind = parts[0];
        String name = parts[1];
        JsonNode q = resources.path(kind).path(name);
        BigDecimal value;
        if (!q.isMissingNode() && !q.isNull()) {
            value = Quantity.parse(q.asText());
        } else if (kind.equals("limits")) {
            // no limit: the node's allocatable, as the kubelet reports it
            value = name.equals("cpu") ? BigDecimal.valueOf(nodeCpus)
                    : name.equals("memory") ? BigDecimal.valueOf(nodeMemory) : BigDecimal.ZERO;
        } else {
            value = BigDecimal.ZERO;
        }
        return Quantity.divideRoundingUp(value, divisor);
    }
}
