package io.staticpod.mirror.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.staticpod.manifest.StaticPod;
import io.staticpod.manifest.WellKnown;
import io.staticpod.mirror.PodStatus;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;

/**
 * The static pods of a node as a v1 {@code PodList}, as the kubelet's {@code GET /pods} answers: each pod as the
 * agent runs it (its defaulted manifest with UID and config annotations, not the mirror) with its v1 status. Stateless.
 */
public final class PodLists {
    private PodLists() {
    }

    /** One static pod and its latest status (null before the first one). */
    public record Entry(StaticPod pod, PodStatus status) {
    }

    /**
     * @param hostIp the node's address (hostIP, and podIP of host-network pods)
     * @param now    the time condition transitions are stamped with (conditions carry no history here)
     */
    public static ObjectNode podList(List<Entry> pods, String hostIp, Instant now) {
        ObjectNode list = JsonNodeFactory.instance.objectNode();
        list.put("kind", "PodList").put("apiVersion", "v1");
        list.putObject("metadata");
        ArrayNode items = list.putArray("items");
        for (Entry e : pods) {
            items.add(pod(e, hostIp, now));
        }
        return list;
    }

    private static ObjectNode pod(Entry e, String hostIp, Instant now) {
        StaticPod sp = e.pod();
        ObjectNode tree = sp.tree().copy();
        tree.put("apiVersion", "v1").put("kind", "Pod");
        ObjectNode metadata = tree.get("metadata") instanceof ObjectNode m ? m : tree.putObject("metadata");
        metadata.put("name", sp.key().name()).put("namespace", sp.key().namespace()).put("uid", sp.uid());
        ObjectNode annotations = metadata.get("annotations") instanceof ObjectNode a ? a
                : metadata.putObject("annotations");
        annotations.put(WellKnown.CONFIG_HASH, sp.uid());
        if (!annotations.hasNonNull(WellKnown.CONFIG_SOURCE)) {
            annotations.put(WellKnown.CONFIG_SOURCE, WellKnown.SOURCE_FILE);
        }
        if (e.status() != null) {
            tree.set("status", StatusMapper.toV1(e.status(), hostIp, now, new HashMap<>()));
        } else {
            tree.putObject("status").put("phase", "Pending");
        }
        return tree;
    }
}
