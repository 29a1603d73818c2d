package io.staticpod.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import io.staticpod.manifest.model.Quantity;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.staticpod.manifest.PodValidator.text;
import static io.staticpod.manifest.PodValidator.unsupported;

/**
 * The API server's rules for a container's {@code resources} and for a {@code resourceFieldRef} (in an environment
 * variable or a downwardAPI volume): known resource names, amounts not negative, requests not above limits, a
 * divisor that suits its resource. Quantities that do not parse were reported by the schema check already.
 */
final class ResourceRules {
    static final List<String> STANDARD = List.of("cpu", "memory", "ephemeral-storage");
    private static final List<String> FIELD_RESOURCES = List.of("limits.cpu", "limits.memory",
            "limits.ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage");
    private static final Set<BigDecimal> CPU_DIVISORS = Set.of(new BigDecimal("0.001"), BigDecimal.ONE);
    private static final List<String> BYTE_DIVISORS = List.of("1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi",
            "1Gi", "1Ti", "1Pi", "1Ei");

    private final Problems problems;
    private final Set<String> containerNames;

    /** @param containerNames every init and app container of the pod, for {@code resourceFieldRef.containerName} */
    ResourceRules(Problems problems, Set<String> containerNames) {
        this.problems = problems;
        this.containerNames = containerNames;
    }

    /** A container's {@code resources} at {@code path}. */
    void checkResources(JsonNode resources, String path) {
        Map<String, Quantity> limits = amounts(resources.path("limits"), path + ".limits");
        Map<String, Quantity> requests = amounts(resources.path("requests"), path + ".requests");
        requests.forEach((name, request) -> {
            Quantity limit = limits.get(name);
            if (limit != null && request.compareTo(limit) > 0) {
                problems.error(SourceLines.child(path + ".requests", name), "must be less than or equal to the "
                        + name + " limit of " + limit.text() + ", got " + request.text());
            }
        });
    }

    private Map<String, Quantity> amounts(JsonNode list, String path) {
        Map<String, Quantity> out = new java.util.LinkedHashMap<>();
        list.properties().forEach(e -> {
            String p = SourceLines.child(path, e.getKey());
            String nameProblem = nameProblem(e.getKey());
            if (nameProblem != null) {
                problems.error(p, nameProblem);
            }
            Quantity q = quantity(e.getValue());
            if (q != null && q.signum() < 0) {
                problems.error(p, "must be greater than or equal to 0, got " + q.text());
            } else if (q != null) {
                out.put(e.getKey(), q);
            }
        });
        return out;
    }

    /** What is wrong with a resource name in {@code limits} or {@code requests}, or null. */
    static String nameProblem(String name) {
        if (STANDARD.contains(name) || name.startsWith("hugepages-")
                || (name.contains("/") && Names.checkQualifiedKey(name) == null)) {
            return null;
        }
        return "unsupported resource " + Names.quote(name) + ": must be cpu, memory, ephemeral-storage,"
                + " hugepages-<size>, or an extended resource named with a domain, such as example.com/gpu";
    }

    /**
     * A {@code resourceFieldRef} at {@code path}. In a volume ({@code inVolume}) the container must be named; in an
     * environment variable it defaults to the variable's own container.
     */
    void checkFieldRef(JsonNode ref, String path, boolean inVolume) {
        String resource = text(ref, "resource");
        if (resource != null && !resource.isEmpty() && !FIELD_RESOURCES.contains(resource)
                && !resource.matches("(limits|requests)\\.hugepages-.+")) {
            problems.error(path + ".resource", unsupported(resource, FIELD_RESOURCES));
        }
        String container = text(ref, "containerName");
        if (container == null || container.isEmpty()) {
            if (inVolume) {
                problems.error(path + ".containerName", "required in a downwardAPI volume: name the container whose"
                        + " resources it shows");
            }
        } else if (!containerNames.contains(container)) {
            problems.error(path + ".containerName", "container " + Names.quote(container)
                    + " not found: name a container of this pod");
        }
        Quantity divisor = quantity(ref.get("divisor"));
        if (divisor == null || resource == null) {
            return;
        }
        if (resource.endsWith(".cpu")) {
            if (!CPU_DIVISORS.stream().anyMatch(d -> d.compareTo(divisor.amount()) == 0)) {
                problems.error(path + ".divisor", "must be 1m or 1 for cpu, got " + divisor.text());
            }
        } else if (BYTE_DIVISORS.stream().map(Quantity::parse).noneMatch(divisor::equals)) {
            problems.error(path + ".divisor", "must be one of " + String.join(", ", BYTE_DIVISORS) + " for "
                    + resource.substring(resource.indexOf('.') + 1) + ", got " + divisor.text());
        }
    }

    /** The quantity in {@code n}, or null when absent or not a quantity (the schema check said so). */
    static Quantity quantity(JsonNode n) {
        if (n == null || n.isNull() || !(n.isTextual() || n.isNumber()) || Quantity.problem(n.asText()) != null) {
            return null;
        }
        return Quantity.parse(n.asText());
    }
}
