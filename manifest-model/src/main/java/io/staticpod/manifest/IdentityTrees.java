package io.staticpod.manifest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.staticpod.manifest.model.Container;
import io.staticpod.manifest.model.ContainerPort;
import io.staticpod.manifest.model.EnvVar;
import io.staticpod.manifest.model.FieldRef;
import io.staticpod.manifest.model.Pod;
import io.staticpod.manifest.model.PodDns;
import io.staticpod.manifest.model.PodSecurityContext;
import io.staticpod.manifest.model.PodSpec;
import io.staticpod.manifest.model.Probe;
import io.staticpod.manifest.model.ResourceFieldRef;
import io.staticpod.manifest.model.ResourceList;
import io.staticpod.manifest.model.RunAs;
import io.staticpod.manifest.model.SeccompProfile;
import io.staticpod.manifest.model.SecurityContext;
import io.staticpod.manifest.model.ValueSource;
import io.staticpod.manifest.model.Volume;
import io.staticpod.manifest.model.VolumeMount;

import java.util.List;
import java.util.function.Function;

/**
 * The trees that {@link PodIdentity} hashes, built from the typed records field by field (never by reflection, so
 * that adding a component to a record changes no hash until it is added here, deliberately, with the golden file).
 * Names are the API's; quantities are their exact value as a plain decimal string ({@code "0.5"},
 * {@code "1073741824"}), so that {@code 1Gi} and {@code 1024Mi} hash alike.
 */
final class IdentityTrees {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private IdentityTrees() {
    }

    static ObjectNode container(Container c) {
        ObjectNode n = F.objectNode();
        n.put("name", c.name());
        n.put("image", c.image());
        n.put("imagePullPolicy", c.imagePullPolicy() == null ? null : c.imagePullPolicy().name());
        n.set("command", strings(c.command()));
        n.set("args", strings(c.args()));
        n.put("workingDir", c.workingDir());
        n.set("env", list(c.env(), IdentityTrees::env));
        n.set("ports", list(c.ports(), (ContainerPort p) -> F.objectNode().put("name", p.name())
                .put("containerPort", p.containerPort()).put("hostPort", p.hostPort()).put("hostIP", p.hostIP())
                .put("protocol", p.protocol())));
        n.set("volumeMounts", list(c.volumeMounts(), (VolumeMount m) -> F.objectNode().put("name", m.name())
                .put("mountPath", m.mountPath()).put("readOnly", m.readOnly()).put("subPath", m.subPath())));
        n.set("resources", F.objectNode().<ObjectNode>set("requests", amounts(c.resources().requests()))
                .set("limits", amounts(c.resources().limits())));
        n.set("securityContext", security(c.security()));
        n.set("livenessProbe", probe(c.probes().liveness()));
        n.set("readinessProbe", probe(c.probes().readiness()));
        n.set("startupProbe", probe(c.probes().startup()));
        // hooks only when there are any: the hashes of containers without them stay as they were
        if (c.lifecycle().postStart() != null || c.lifecycle().preStop() != null) {
            ObjectNode hooks = F.objectNode();
            if (c.lifecycle().postStart() != null) {
                hooks.set("postStart", action(c.lifecycle().postStart()));
            }
            if (c.lifecycle().preStop() != null) {
                hooks.set("preStop", action(c.lifecycle().preStop()));
            }
            n.set("lifecycle", hooks);
        }
        n.put("terminationMessagePath", c.lifecycle().terminationMessagePath());
        n.put("terminationMessagePolicy", c.lifecycle().terminationMessagePolicy().name());
        return n;
    }

    static ObjectNode sandbox(Pod pod) {
        PodSpec s = pod.spec();
        ObjectNode n = F.objectNode();
        n.set("namespaces", F.objectNode().put("hostNetwork", s.namespaces().hostNetwork())
                .put("hostPID", s.namespaces().hostPID()).put("hostIPC", s.namespaces().hostIPC())
                .put("shareProcessNamespace", s.namespaces().shareProcessNamespace()));
        PodDns dns = s.dns();
        n.set("dns", F.objectNode().put("policy", dns.policy().name())
                .<ObjectNode>set("nameservers", strings(dns.config().nameservers()))
                .<ObjectNode>set("searches", strings(dns.config().searches()))
                .<ObjectNode>set("options", list(dns.config().options(), o -> F.objectNode().put("name", o.name())
                        .put("value", o.value())))
                .<ObjectNode>set("hostAliases", list(dns.hostAliases(), a -> F.objectNode().put("ip", a.ip())
                        .set("hostnames", strings(a.hostnames()))))
                .put("hostname", dns.hostname()).put("subdomain", dns.subdomain()));
        PodSecurityContext sc = s.securityContext();
        ObjectNode security = runAs(sc.runAs());
        security.set("supplementalGroups", longs(sc.supplementalGroups()));
        security.set("sysctls", list(sc.sysctls(), x -> F.objectNode().put("name", x.name()).put("value", x.value())));
        security.set("seccompProfile", seccomp(sc.seccompProfile()));
        n.set("securityContext", security);
        ArrayNode ports = F.arrayNode();
        s.containers().forEach(c -> c.ports().stream().filter(p -> p.hostPort() > 0).forEach(p -> ports.add(
                F.objectNode().put("containerPort", p.containerPort()).put("hostPort", p.hostPort())
                        .put("hostIP", p.hostIP()).put("protocol", p.protocol()))));
        n.set("portMappings", ports);
        n.set("volumes", list(s.volumes(), IdentityTrees::volume));
        return n;
    }

    private static ObjectNode env(EnvVar e) {
        return F.objectNode().put("name", e.name()).put("value", e.value()).set("valueFrom", valueSource(e.valueFrom()));
    }

    private static ObjectNode valueSource(ValueSource source) {
        if (source instanceof FieldRef f) {
            return F.objectNode().set("fieldRef", F.objectNode().put("fieldPath", f.fieldPath()));
        }
        if (source instanceof ResourceFieldRef r) {
            return F.objectNode().set("resourceFieldRef", F.objectNode().put("containerName", r.containerName())
                    .put("resource", r.resource()).put("divisor", r.divisor().canonical()));
        }
        return null;
    }

    private static ObjectNode amounts(ResourceList list) {
        ObjectNode n = F.objectNode();
        list.amounts().forEach((name, q) -> n.put(name, q.canonical()));
        return n;
    }

    private static ObjectNode security(SecurityContext sc) {
        ObjectNode n = runAs(sc.runAs());
        n.set("supplementalGroups", longs(sc.supplementalGroups()));
        n.put("privileged", sc.privileged());
        n.set("capabilities", F.objectNode().<ObjectNode>set("add", strings(sc.capabilities().add()))
                .set("drop", strings(sc.capabilities().drop())));
        n.put("readOnlyRootFilesystem", sc.readOnlyRootFilesystem());
        n.put("allowPrivilegeEscalation", sc.allowPrivilegeEscalation());
        n.set("seccompProfile", seccomp(sc.seccompProfile()));
        return n;
    }

    private static ObjectNode runAs(RunAs r) {
        return F.objectNode().put("runAsUser", r.user()).put("runAsGroup", r.group()).put("runAsNonRoot", r.nonRoot());
    }

    private static ObjectNode seccomp(SeccompProfile p) {
        return F.objectNode().put("type", p.type().name()).put("localhostProfile", p.localhostProfile());
    }

    private static ObjectNode probe(Probe p) {
        if (p == null) {
            return null;
        }
        ObjectNode n = action(p.action());
        return n.put("initialDelaySeconds", p.initialDelaySeconds()).put("periodSeconds", p.periodSeconds())
                .put("timeoutSeconds", p.timeoutSeconds()).put("successThreshold", p.successThreshold())
                .put("failureThreshold", p.failureThreshold())
                .put("terminationGracePeriodSeconds", p.terminationGracePeriodSeconds());
    }

    /** A probe's or a hook's handler. */
    static ObjectNode action(Probe.Action action) {
        ObjectNode n = F.objectNode();
        if (action instanceof Probe.Exec e) {
            n.set("exec", F.objectNode().set("command", strings(e.command())));
        } else if (action instanceof Probe.HttpGet h) {
            n.set("httpGet", F.objectNode().put("scheme", h.scheme()).put("host", h.host()).put("port", h.port())
                    .put("path", h.path()).set("httpHeaders", list(h.headers(), x -> F.objectNode()
                            .put("name", x.name()).put("value", x.value()))));
        } else if (action instanceof Probe.TcpSocket t) {
            n.set("tcpSocket", F.objectNode().put("host", t.host()).put("port", t.port()));
        } else if (action instanceof Probe.Sleep s) {
            n.set("sleep", F.objectNode().put("seconds", s.seconds()));
        }
        return n;
    }

    private static ObjectNode volume(Volume v) {
        ObjectNode n = F.objectNode().put("name", v.name());
        if (v.source() instanceof Volume.HostPath h) {
            n.set("hostPath", F.objectNode().put("path", h.path()).put("type", h.type().apiValue()));
        } else if (v.source() instanceof Volume.EmptyDir e) {
            n.set("emptyDir", F.objectNode().put("medium", e.medium().apiValue())
                    .put("sizeLimit", e.sizeLimit() == null ? null : e.sizeLimit().canonical()));
        } else if (v.source() instanceof Volume.DownwardApi d) {
            n.set("downwardAPI", F.objectNode().set("items", list(d.items(), i -> F.objectNode()
                    .put("path", i.path()).put("mode", i.mode()).set("source", valueSource(i.source())))));
        } else if (v.source() instanceof Volume.Unsupported u) {
            n.put("unsupported", u.kind());
        }
        return n;
    }

    private static ArrayNode strings(List<String> values) {
        if (values == null) {
            return null;
        }
        ArrayNode a = F.arrayNode();
        values.forEach(a::add);
        return a;
    }

    private static ArrayNode longs(List<Long> values) {
        ArrayNode a = F.arrayNode();
        values.forEach(a::add);
        return a;
    }

    private static <T> ArrayNode list(List<T> values, Function<T, com.fasterxml.jackson.databind.JsonNode> toNode) {
        ArrayNode a = F.arrayNode();
        values.forEach(v -> a.add(toNode.apply(v)));
        return a;
    }
}
