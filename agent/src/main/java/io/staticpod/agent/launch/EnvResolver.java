package io.staticpod.agent.launch;

import io.staticpod.manifest.StaticPod;
import io.staticpod.manifest.model.Container;
import io.staticpod.manifest.model.EnvVar;
import io.staticpod.manifest.model.FieldRef;
import io.staticpod.manifest.model.Quantity;
import io.staticpod.manifest.model.ResourceFieldRef;
import io.staticpod.manifest.model.ValueSource;

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
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar e : c.env()) {
            String value = e.valueFrom() == null ? expand(e.value(), env) : valueFrom(pod, c, e.valueFrom(), podIp);
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

    private String valueFrom(StaticPod pod, Container c, ValueSource from, String podIp) {
        if (from instanceof ResourceFieldRef r) {
            return resource(r, pod.pod().spec().container(r.containerName()).orElse(c));
        }
        return field(pod, ((FieldRef) from).fieldPath(), podIp);
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

    /**
     * A resource of {@code target} as the downward API shows it; a limit that is not set is the node's allocatable
     * (CPUs, memory), as the kubelet reports it, and any other resource not set is 0.
     */
    private String resource(ResourceFieldRef ref, Container target) {
        Quantity value = ref.select(target.resources());
        if (value == null && ref.limit()) {
            value = switch (ref.resourceName()) {
                case "cpu" -> Quantity.of(nodeCpus);
                case "memory" -> Quantity.of(nodeMemory);
                default -> null;
            };
        }
        return ref.render(value == null ? Quantity.ZERO : value);
    }
}
