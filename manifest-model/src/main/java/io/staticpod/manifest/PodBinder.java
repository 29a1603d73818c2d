package io.staticpod.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import io.staticpod.manifest.model.Container;
import io.staticpod.manifest.model.ContainerPort;
import io.staticpod.manifest.model.EnvVar;
import io.staticpod.manifest.model.ImagePullPolicy;
import io.staticpod.manifest.model.ObjectMeta;
import io.staticpod.manifest.model.Pod;
import io.staticpod.manifest.model.PodSpec;
import io.staticpod.manifest.model.Probe;
import io.staticpod.manifest.model.Probes;
import io.staticpod.manifest.model.RestartPolicy;
import io.staticpod.manifest.model.Volume;
import io.staticpod.manifest.model.VolumeMount;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Binds a validated, defaulted and stamped tree to the typed records. Only called on trees without errors. */
final class PodBinder {
    private PodBinder() {
    }

    static Pod bind(JsonNode pod) {
        JsonNode m = pod.path("metadata");
        ObjectMeta metadata = new ObjectMeta(text(m, "name"), text(m, "namespace"), text(m, "uid"),
                strings(m.path("labels")), strings(m.path("annotations")));
        JsonNode s = pod.path("spec");
        PodSpec spec = new PodSpec(
                list(s.path("initContainers"), PodBinder::container),
                list(s.path("containers"), PodBinder::container),
                list(s.path("volumes"), PodBinder::volume),
                RestartPolicy.valueOf(text(s, "restartPolicy")),
                s.path("terminationGracePeriodSeconds").asLong(PodDefaults.DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS),
                s.path("hostNetwork").asBoolean(false),
                s.path("hostPID").asBoolean(false),
                s.path("hostIPC").asBoolean(false),
                text(s, "hostname"),
                text(s, "nodeName"));
        return new Pod(text(pod, "apiVersion"), text(pod, "kind"), metadata, spec);
    }

    private static Container container(JsonNode c) {
        String pullPolicy = text(c, "imagePullPolicy");
        return new Container(text(c, "name"), text(c, "image"),
                c.hasNonNull("command") ? list(c.get("command"), JsonNode::asText) : null,
                c.hasNonNull("args") ? list(c.get("args"), JsonNode::asText) : null,
                text(c, "workingDir"),
                list(c.path("env"), PodBinder::envVar),
                list(c.path("ports"), p -> new ContainerPort(text(p, "name"), p.path("containerPort").asInt(),
                        p.path("hostPort").asInt(0), text(p, "hostIP"), text(p, "protocol"))),
                list(c.path("volumeMounts"), v -> new VolumeMount(text(v, "name"), text(v, "mountPath"),
                        v.path("readOnly").asBoolean(false), text(v, "subPath"))),
                pullPolicy == null ? null : ImagePullPolicy.valueOf(pullPolicy),
                new Probes(probe(c.get("livenessProbe")), probe(c.get("readinessProbe")),
                        probe(c.get("startupProbe"))));
    }

    /** A probe with the kubelet's defaults (SetDefaults_Probe); null when absent. */
    private static Probe probe(JsonNode p) {
        if (p == null || p.isNull()) {
            return null;
        }
        Probe.Action action;
        if (p.hasNonNull("exec")) {
            action = new Probe.Exec(list(p.get("exec").path("command"), JsonNode::asText));
        } else if (p.hasNonNull("httpGet")) {
            JsonNode h = p.get("httpGet");
            String scheme = text(h, "scheme");
            String path = text(h, "path");
            action = new Probe.HttpGet(scheme == null ? "HTTP" : scheme, text(h, "host"), text(h, "port"),
                    path == null || path.isEmpty() ? "/" : path,
                    list(h.path("httpHeaders"), x -> new Probe.Header(text(x, "name"), text(x, "value"))));
        } else {
            JsonNode t = p.get("tcpSocket");
            action = new Probe.TcpSocket(text(t, "host"), text(t, "port"));
        }
        return new Probe(action, p.path("initialDelaySeconds").asInt(0), positive(p, "periodSeconds", 10),
                positive(p, "timeoutSeconds", 1), positive(p, "successThreshold", 1),
                positive(p, "failureThreshold", 3));
    }

    private static int positive(JsonNode p, String field, int defaultValue) {
        int v = p.path(field).asInt(0);
        return v > 0 ? v : defaultValue;
    }

    /** A variable set with valueFrom (fieldRef, resourceFieldRef) has a null value: the agent resolves it. */
    private static EnvVar envVar(JsonNode e) {
        if (e.hasNonNull("valueFrom")) {
            return new EnvVar(text(e, "name"), null);
        }
        String value = text(e, "value");
        return new EnvVar(text(e, "name"), value == null ? "" : value);
    }

    private static Volume volume(JsonNode v) {
        Volume.HostPathVolume hostPath = null;
        Volume.EmptyDirVolume emptyDir = null;
        if (v.hasNonNull("hostPath")) {
            JsonNode h = v.get("hostPath");
            String type = text(h, "type");
            hostPath = new Volume.HostPathVolume(text(h, "path"), type == null ? "" : type);
        }
        if (v.hasNonNull("emptyDir")) {
            JsonNode e = v.get("emptyDir");
            String medium = text(e, "medium");
            String sizeLimit = e.hasNonNull("sizeLimit") ? e.get("sizeLimit").asText() : null;
            emptyDir = new Volume.EmptyDirVolume(medium == null ? "" : medium, sizeLimit);
        }
        return new Volume(text(v, "name"), hostPath, emptyDir);
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> map = new LinkedHashMap<>();
        object.properties().forEach(e -> map.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText()));
        return map;
    }

    private static <T> List<T> list(JsonNode array, Function<JsonNode, T> bind) {
        List<T> out = new ArrayList<>();
        array.forEach(n -> out.add(bind.apply(n)));
        return out;
    }

    private static String text(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }
}
