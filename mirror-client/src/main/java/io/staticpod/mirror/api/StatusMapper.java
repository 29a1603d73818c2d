package io.staticpod.mirror.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.staticpod.mirror.PodStatus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the agent's {@link PodStatus} into the mirror's v1 status, as the kubelet's {@code generateAPIPodStatus}
 * does: phase, the four conditions (plus {@code StaticPodManifestValid} while the manifest is invalid), container
 * statuses, start time and addresses.
 */
final class StatusMapper {
    static final String MANIFEST_CONDITION = "StaticPodManifestValid";
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private StatusMapper() {
    }

    /**
     * The v1 status.
     *
     * @param transitions the pod's conditions as last written: type → (status, lastTransitionTime); updated here
     */
    static ObjectNode toV1(PodStatus s, String hostIp, Instant now, Map<String, Transition> transitions) {
        ObjectNode out = F.objectNode();
        out.put("phase", s.phase().name());
        ArrayNode conditions = out.putArray("conditions");
        Map<String, Transition> next = new HashMap<>();
        for (Cond c : conditions(s)) {
            Transition prev = transitions.get(c.type);
            Transition t = prev != null && prev.status().equals(c.status) ? prev : new Transition(c.status, now);
            next.put(c.type, t);
            ObjectNode n = conditions.addObject();
            n.put("type", c.type).put("status", c.status);
            n.putNull("lastProbeTime");
            n.put("lastTransitionTime", Times.time(t.at()));
            if (c.reason != null) {
                n.put("reason", c.reason).put("message", c.message);
            }
        }
        transitions.clear();
        transitions.putAll(next);
        out.put("hostIP", hostIp);
        String podIp = s.podIP() == null || s.podIP().isBlank() ? hostIp : s.podIP();
        out.put("podIP", podIp);
        out.putArray("podIPs").addObject().put("ip", podIp);
        if (s.startTime() != null) {
            out.put("startTime", Times.time(s.startTime()));
        } else {
            out.putNull("startTime");
        }
        out.set("initContainerStatuses", containers(s.initContainers()));
        out.set("containerStatuses", containers(s.containers()));
        return out;
    }

    private static List<Cond> conditions(PodStatus s) {
        List<Cond> list = new ArrayList<>();
        boolean completed = s.phase() == PodStatus.Phase.Succeeded;
        List<String> uninitialized = s.initContainers().stream()
                .filter(c -> !(c.state() instanceof PodStatus.Terminated t && t.exitCode() == 0))
                .map(PodStatus.ContainerStatus::name).toList();
        if (completed || uninitialized.isEmpty()) {
            list.add(new Cond("Initialized", "True", completed ? "PodCompleted" : null, ""));
        } else {
            list.add(new Cond("Initialized", "False", "ContainersNotInitialized",
                    "containers with incomplete status: " + names(uninitialized)));
        }
        List<String> unready = s.containers().stream().filter(c -> !c.ready())
                .map(PodStatus.ContainerStatus::name).toList();
        Cond ready;
        if (completed) {
            ready = new Cond("", "False", "PodCompleted", "");
        } else if (unready.isEmpty() && !s.containers().isEmpty()) {
            ready = new Cond("", "True", null, "");
        } else {
            ready = new Cond("", "False", "ContainersNotReady", "containers with unready status: " + names(unready));
        }
        list.add(new Cond("Ready", ready.status, ready.reason, ready.message));
        list.add(new Cond("ContainersReady", ready.status, ready.reason, ready.message));
        list.add(new Cond("PodScheduled", "True", null, ""));
        if (s.manifestError() != null) {
            list.add(new Cond(MANIFEST_CONDITION, "False", "InvalidManifest", s.manifestError()));
        }
        return list;
    }

    private static String names(List<String> names) {
        return "[" + String.join(" ", names) + "]";
    }

    private static ArrayNode containers(List<PodStatus.ContainerStatus> statuses) {
        ArrayNode a = F.arrayNode();
        for (PodStatus.ContainerStatus c : statuses) {
            ObjectNode n = a.addObject();
            n.put("name", c.name());
            n.set("state", state(c.state() == null ? new PodStatus.Waiting("ContainerCreating", null) : c.state()));
            n.set("lastState", c.lastState() == null ? F.objectNode() : state(c.lastState()));
            n.put("ready", c.ready());
            n.put("restartCount", c.restartCount());
            n.put("image", c.image());
            n.put("imageID", c.imageId() == null ? "" : c.imageId());
            if (c.containerId() != null) {
                n.put("containerID", c.containerId());
            }
            n.put("started", c.started());
        }
        return a;
    }

    private static ObjectNode state(PodStatus.State state) {
        ObjectNode n = F.objectNode();
        if (state instanceof PodStatus.Waiting w) {
            ObjectNode o = n.putObject("waiting");
            putIf(o, "reason", w.reason());
            putIf(o, "message", w.message());
        } else if (state instanceof PodStatus.Running r) {
            ObjectNode o = n.putObject("running");
            putIf(o, "startedAt", Times.time(r.startedAt()));
        } else if (state instanceof PodStatus.Terminated t) {
            ObjectNode o = n.putObject("terminated");
            o.put("exitCode", t.exitCode());
            putIf(o, "reason", t.reason());
            putIf(o, "message", t.message());
            putIf(o, "startedAt", Times.time(t.startedAt()));
            putIf(o, "finishedAt", Times.time(t.finishedAt()));
            putIf(o, "containerID", t.containerId());
        }
        return n;
    }

    private static void putIf(ObjectNode o, String field, String value) {
        if (value != null && !value.isEmpty()) {
            o.put(field, value);
        }
    }

    /** A condition's status and when it last changed. */
    record Transition(String status, Instant at) {
    }

    private record Cond(String type, String status, String reason, String message) {
    }
}
