package io.staticpod.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import io.staticpod.manifest.model.FieldRef;
import io.staticpod.manifest.model.Namespaces;
import io.staticpod.manifest.model.ObjectMeta;
import io.staticpod.manifest.model.Pod;
import io.staticpod.manifest.model.PodDns;
import io.staticpod.manifest.model.PodSecurityContext;
import io.staticpod.manifest.model.PodSpec;
import io.staticpod.manifest.model.Quantity;
import io.staticpod.manifest.model.RestartPolicy;
import io.staticpod.manifest.model.RunAs;
import io.staticpod.manifest.model.SeccompProfile;
import io.staticpod.manifest.model.ValueSource;
import io.staticpod.manifest.model.Volume;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Binds a validated, defaulted and stamped tree to the typed records, applying the defaults that live in the typed
 * model only ({@link PodDefaults}). Only called on trees without errors: every value has the type the schema
 * gives it and every enumerated value is one the validation accepted. Containers are bound by
 * {@link ContainerBinder}.
 */
final class PodBinder {
    private PodBinder() {
    }

    static Pod bind(JsonNode pod) {
        JsonNode m = pod.path("metadata");
        ObjectMeta metadata = new ObjectMeta(text(m, "name"), text(m, "namespace"), text(m, "uid"),
                strings(m.path("labels")), strings(m.path("annotations")));
        JsonNode s = pod.path("spec");
        PodSecurityContext security = podSecurity(s.path("securityContext"));
        PodSpec spec = PodSpec.builder()
                .initContainers(list(s.path("initContainers"), c -> ContainerBinder.bind(c, security)))
                .containers(list(s.path("containers"), c -> ContainerBinder.bind(c, security)))
                .volumes(list(s.path("volumes"), PodBinder::volume))
                .restartPolicy(RestartPolicy.valueOf(text(s, "restartPolicy")))
                .terminationGracePeriodSeconds(s.path("terminationGracePeriodSeconds")
                        .asLong(PodDefaults.DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS))
                .namespaces(new Namespaces(s.path("hostNetwork").asBoolean(false), s.path("hostPID").asBoolean(false),
                        s.path("hostIPC").asBoolean(false), s.path("shareProcessNamespace").asBoolean(false)))
                .dns(dns(s))
                .securityContext(security)
                .priorityClassName(nonEmpty(text(s, "priorityClassName")))
                .nodeName(text(s, "nodeName"))
                .build();
        return new Pod(text(pod, "apiVersion"), text(pod, "kind"), metadata, spec);
    }

    private static PodDns dns(JsonNode s) {
        String policy = nonEmpty(text(s, "dnsPolicy"));
        JsonNode c = s.path("dnsConfig");
        PodDns.DnsConfig config = new PodDns.DnsConfig(list(c.path("nameservers"), JsonNode::asText),
                list(c.path("searches"), JsonNode::asText),
                list(c.path("options"), o -> new PodDns.Option(text(o, "name"), text(o, "value"))));
        return new PodDns(policy == null ? PodDefaults.DNS_POLICY : PodDns.DnsPolicy.valueOf(policy), config,
                list(s.path("hostAliases"), a -> new PodDns.HostAlias(text(a, "ip"),
                        list(a.path("hostnames"), JsonNode::asText))),
                nonEmpty(text(s, "hostname")), nonEmpty(text(s, "subdomain")));
    }

    private static PodSecurityContext podSecurity(JsonNode sc) {
        return new PodSecurityContext(
                new RunAs(longOrNull(sc, "runAsUser"), longOrNull(sc, "runAsGroup"),
                        sc.path("runAsNonRoot").asBoolean(false)),
                list(sc.path("supplementalGroups"), JsonNode::asLong),
                list(sc.path("sysctls"), x -> new PodSecurityContext.Sysctl(text(x, "name"), text(x, "value"))),
                sc.hasNonNull("seccompProfile") ? seccomp(sc.get("seccompProfile")) : PodDefaults.SECCOMP_PROFILE);
    }

    static SeccompProfile seccomp(JsonNode p) {
        return new SeccompProfile(SeccompProfile.Type.valueOf(text(p, "type")), nonEmpty(text(p, "localhostProfile")));
    }

    private static Volume volume(JsonNode v) {
        String name = text(v, "name");
        if (v.hasNonNull("hostPath")) {
            JsonNode h = v.get("hostPath");
            return new Volume(name, new Volume.HostPath(text(h, "path"), Volume.HostPathType.fromApi(text(h, "type"))));
        }
        if (v.hasNonNull("emptyDir")) {
            JsonNode e = v.get("emptyDir");
            return new Volume(name, new Volume.EmptyDir(Volume.StorageMedium.fromApi(text(e, "medium")),
                    quantity(e.get("sizeLimit"), null)));
        }
        if (v.hasNonNull("downwardAPI")) {
            JsonNode d = v.get("downwardAPI");
            int defaultMode = d.path("defaultMode").asInt(Volume.DownwardApi.DEFAULT_MODE);
            return new Volume(name, new Volume.DownwardApi(list(d.path("items"), i -> new Volume.DownwardApi.Item(
                    text(i, "path"), valueSource(i, null), i.path("mode").asInt(defaultMode))), defaultMode));
        }
        String kind = PodSchema.VOLUME_SOURCES.stream().filter(v::hasNonNull).findFirst().orElse("unknown");
        return new Volume(name, new Volume.Unsupported(kind));
    }

    /**
     * The {@code fieldRef} or {@code resourceFieldRef} of an environment variable's {@code valueFrom} or of a
     * downwardAPI item; {@code ownContainer} is the default container of a resourceFieldRef (null in a volume,
     * where the API requires one).
     */
    static ValueSource valueSource(JsonNode from, String ownContainer) {
        if (from.hasNonNull("fieldRef")) {
            return new FieldRef(text(from.get("fieldRef"), "fieldPath"));
        }
        JsonNode ref = from.get("resourceFieldRef");
        String container = nonEmpty(text(ref, "containerName"));
        return new io.staticpod.manifest.model.ResourceFieldRef(container == null ? ownContainer : container,
                text(ref, "resource"), quantity(ref.get("divisor"), Quantity.ONE));
    }

    /** The quantity of a field the schema checked, or {@code otherwise} when absent. */
    static Quantity quantity(JsonNode n, Quantity otherwise) {
        return n == null || n.isNull() ? otherwise : Quantity.parse(n.asText());
    }

    static Long longOrNull(JsonNode parent, String field) {
        return parent.hasNonNull(field) ? parent.get(field).asLong() : null;
    }

    static Map<String, String> strings(JsonNode object) {
        Map<String, String> map = new LinkedHashMap<>();
        object.properties().forEach(e -> map.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText()));
        return map;
    }

    static <T> List<T> list(JsonNode array, Function<JsonNode, T> bind) {
        List<T> out = new ArrayList<>();
        array.forEach(n -> out.add(bind.apply(n)));
        return out;
    }

    static String text(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    /** As in the API, an empty string is no value. */
    static String nonEmpty(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
