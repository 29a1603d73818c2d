package io.staticpod.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import io.staticpod.manifest.model.Capabilities;
import io.staticpod.manifest.model.Container;
import io.staticpod.manifest.model.ContainerPort;
import io.staticpod.manifest.model.EnvVar;
import io.staticpod.manifest.model.ImagePullPolicy;
import io.staticpod.manifest.model.Lifecycle;
import io.staticpod.manifest.model.PodSecurityContext;
import io.staticpod.manifest.model.Probe;
import io.staticpod.manifest.model.Probes;
import io.staticpod.manifest.model.Quantity;
import io.staticpod.manifest.model.ResourceList;
import io.staticpod.manifest.model.Resources;
import io.staticpod.manifest.model.RunAs;
import io.staticpod.manifest.model.SecurityContext;
import io.staticpod.manifest.model.VolumeMount;

import java.util.LinkedHashMap;
import java.util.Map;

import static io.staticpod.manifest.PodBinder.list;
import static io.staticpod.manifest.PodBinder.longOrNull;
import static io.staticpod.manifest.PodBinder.nonEmpty;
import static io.staticpod.manifest.PodBinder.text;

/** Binds one validated container (app or init) of the tree; see {@link PodBinder}. */
final class ContainerBinder {
    private ContainerBinder() {
    }

    static Container bind(JsonNode c, PodSecurityContext pod) {
        String name = text(c, "name");
        String pullPolicy = text(c, "imagePullPolicy");
        JsonNode lifecycle = c.path("lifecycle");
        String messagePolicy = nonEmpty(text(c, "terminationMessagePolicy"));
        return Container.builder(name, text(c, "image"))
                .imagePullPolicy(pullPolicy == null ? null : ImagePullPolicy.valueOf(pullPolicy))
                .command(c.hasNonNull("command") ? list(c.get("command"), JsonNode::asText) : null)
                .args(c.hasNonNull("args") ? list(c.get("args"), JsonNode::asText) : null)
                .workingDir(nonEmpty(text(c, "workingDir")))
                .env(list(c.path("env"), e -> envVar(e, name)))
                .ports(list(c.path("ports"), p -> new ContainerPort(text(p, "name"), p.path("containerPort").asInt(),
                        p.path("hostPort").asInt(0), text(p, "hostIP"), text(p, "protocol"))))
                .volumeMounts(list(c.path("volumeMounts"), v -> new VolumeMount(text(v, "name"), text(v, "mountPath"),
                        v.path("readOnly").asBoolean(false), nonEmpty(text(v, "subPath")))))
                .resources(resources(c.path("resources")))
                .security(security(c.path("securityContext"), pod))
                .probes(new Probes(probe(c.get("livenessProbe")), probe(c.get("readinessProbe")),
                        probe(c.get("startupProbe"))))
                .lifecycle(new Lifecycle(action(lifecycle.get("postStart")), action(lifecycle.get("preStop")),
                        nonEmpty(text(c, "terminationMessagePath")),
                        messagePolicy == null ? PodDefaults.TERMINATION_MESSAGE_POLICY
                                : Lifecycle.TerminationMessagePolicy.valueOf(messagePolicy)))
                .build();
    }

    /** A variable set with {@code valueFrom} has no value: the agent resolves it when the container starts. */
    private static EnvVar envVar(JsonNode e, String container) {
        if (e.hasNonNull("valueFrom")) {
            return new EnvVar(text(e, "name"), null, PodBinder.valueSource(e.get("valueFrom"), container));
        }
        return new EnvVar(text(e, "name"), text(e, "value"), null);
    }

    /** As the API server defaults them: a resource limited but not requested is requested at its limit. */
    private static Resources resources(JsonNode r) {
        Map<String, Quantity> limits = amounts(r.path("limits"));
        Map<String, Quantity> requests = amounts(r.path("requests"));
        limits.forEach(requests::putIfAbsent);
        return new Resources(new ResourceList(requests), new ResourceList(limits));
    }

    private static Map<String, Quantity> amounts(JsonNode list) {
        Map<String, Quantity> out = new LinkedHashMap<>();
        list.properties().forEach(e -> {
            if (!e.getValue().isNull()) {
                out.put(e.getKey(), Quantity.parse(e.getValue().asText()));
            }
        });
        return out;
    }

    /** The container's settings over the pod's, as the kubelet's DetermineEffectiveSecurityContext. */
    private static SecurityContext security(JsonNode sc, PodSecurityContext pod) {
        RunAs podRunAs = pod.runAs();
        RunAs runAs = new RunAs(
                sc.hasNonNull("runAsUser") ? longOrNull(sc, "runAsUser") : podRunAs.user(),
                sc.hasNonNull("runAsGroup") ? longOrNull(sc, "runAsGroup") : podRunAs.group(),
                sc.hasNonNull("runAsNonRoot") ? sc.get("runAsNonRoot").asBoolean() : podRunAs.nonRoot());
        JsonNode caps = sc.path("capabilities");
        return new SecurityContext(runAs, pod.supplementalGroups(), sc.path("privileged").asBoolean(false),
                new Capabilities(list(caps.path("add"), JsonNode::asText), list(caps.path("drop"), JsonNode::asText)),
                sc.path("readOnlyRootFilesystem").asBoolean(false),
                sc.path("allowPrivilegeEscalation").asBoolean(PodDefaults.ALLOW_PRIVILEGE_ESCALATION),
                sc.hasNonNull("seccompProfile") ? PodBinder.seccomp(sc.get("seccompProfile")) : pod.seccompProfile());
    }

    /** A probe with the kubelet's defaults (SetDefaults_Probe); null when absent. */
    private static Probe probe(JsonNode p) {
        if (p == null || p.isNull()) {
            return null;
        }
        return new Probe(action(p), p.path("initialDelaySeconds").asInt(0), positive(p, "periodSeconds", 10),
                positive(p, "timeoutSeconds", 1), positive(p, "successThreshold", 1),
                positive(p, "failureThreshold", 3), longOrNull(p, "terminationGracePeriodSeconds"));
    }

    /** A probe's or a hook's handler (exec, httpGet with its defaults, tcpSocket; sleep, hooks only); null if absent. */
    static Probe.Action action(JsonNode p) {
        if (p == null || p.isNull()) {
            return null;
        }
        if (p.hasNonNull("exec")) {
            return new Probe.Exec(list(p.get("exec").path("command"), JsonNode::asText));
        }
        if (p.hasNonNull("httpGet")) {
            JsonNode h = p.get("httpGet");
            String scheme = nonEmpty(text(h, "scheme"));
            String path = nonEmpty(text(h, "path"));
            return new Probe.HttpGet(scheme == null ? "HTTP" : scheme, nonEmpty(text(h, "host")), text(h, "port"),
                    path == null ? "/" : path,
                    list(h.path("httpHeaders"), x -> new Probe.Header(text(x, "name"), text(x, "value"))));
        }
        if (p.hasNonNull("sleep")) {
            return new Probe.Sleep(p.get("sleep").path("seconds").asLong(0));
        }
        JsonNode t = p.path("tcpSocket");
        return new Probe.TcpSocket(nonEmpty(text(t, "host")), text(t, "port"));
    }

    private static int positive(JsonNode p, String field, int defaultValue) {
        int v = p.path(field).asInt(0);
        return v > 0 ? v : defaultValue;
    }
}
