package io.staticpod.agent.cli;

import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.WellKnown;
import io.staticpod.runtime.spi.ContainerSummary;
import io.staticpod.runtime.spi.RuntimeSnapshot;
import io.staticpod.runtime.spi.Sandbox;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The static pods of one node as its runtime holds them (by the agent's labels), and the container instance a
 * {@code logs} request reads: the newest instance of the container in the pod's newest version, or with
 * {@code previous} the one before it, as {@code kubectl logs} chooses on a kubelet node. A container whose only
 * instance has exited is taken as waiting to be restarted (the agent keeps the newest dead instance only): its
 * previous instance is that last run, as the kubelet's {@code lastState} says while a container is in back-off.
 */
final class PodInstances {
    private static final Comparator<ContainerSummary> NEWEST_FIRST = Comparator
            .comparingInt(ContainerSummary::attempt).reversed()
            .thenComparing(ContainerSummary::createdAt, Comparator.reverseOrder());

    private final String node;
    private final Map<PodKey, List<ContainerSummary>> containers;
    private final Map<PodKey, List<Sandbox>> sandboxes;

    /** @param snapshot what the runtime has with the agent's owner label of {@code node} */
    PodInstances(String node, RuntimeSnapshot snapshot) {
        this.node = node;
        this.containers = snapshot.containers().stream().filter(c -> keyOf(c.labels()) != null)
                .collect(Collectors.groupingBy(c -> keyOf(c.labels())));
        this.sandboxes = snapshot.sandboxes().stream()
                .collect(Collectors.groupingBy(s -> new PodKey(s.metadata().namespace(), s.metadata().name())));
    }

    /** A request that cannot be answered; the message says why and what there is. */
    static final class Problem extends Exception {
        Problem(String message) {
            super(message);
        }
    }

    /** Every static pod found, as {@code namespace/name}, sorted. */
    List<String> pods() {
        return Stream.concat(containers.keySet().stream(), sandboxes.keySet().stream())
                .map(k -> k.namespace() + "/" + k.name()).collect(Collectors.toCollection(TreeSet::new)).stream()
                .toList();
    }

    /**
     * The static pod named {@code name} (the mirror's name {@code <pod>-<node>}, or the manifest's {@code <pod>}),
     * in {@code namespace} when that is not null.
     */
    PodKey find(String name, String namespace) throws Problem {
        List<PodKey> found = Stream.concat(containers.keySet().stream(), sandboxes.keySet().stream()).distinct()
                .filter(k -> namespace == null || k.namespace().equals(namespace))
                .filter(k -> k.name().equals(name) || k.name().equals(name + "-" + node))
                .sorted(Comparator.comparing(PodKey::namespace)).toList();
        if (found.isEmpty()) {
            List<String> all = pods();
            throw new Problem("no static pod \"" + name + "\"" + (namespace == null ? "" : " in namespace \""
                    + namespace + "\"") + " on node " + node + "; "
                    + (all.isEmpty() ? "the runtime has no static pods of this node (is --hostname-override the"
                    + " agent's?)" : "its static pods: " + String.join(", ", all)));
        }
        if (found.size() > 1) {
            throw new Problem("static pod \"" + name + "\" is in several namespaces: " + found.stream()
                    .map(PodKey::namespace).collect(Collectors.joining(", ")) + "; choose one with -n NAMESPACE");
        }
        return found.get(0);
    }

    /**
     * The instance to read of {@code container} (null: the pod's only container).
     *
     * @return the runtime's container id
     */
    String instance(PodKey pod, String container, boolean previous) throws Problem {
        List<ContainerSummary> current = currentVersion(pod);
        List<String> names = current.stream().map(ContainerSummary::name).distinct().sorted().toList();
        if (container == null) {
            if (names.isEmpty()) {
                throw new Problem("static pod \"" + pod.name() + "\" has no containers yet");
            }
            if (names.size() > 1) {
                throw new Problem("static pod \"" + pod.name() + "\" has several containers: " + String.join(", ",
                        names) + "; name one: static-pod-agent logs " + pod.name() + " CONTAINER");
            }
            container = names.get(0);
        }
        String wanted = container;
        List<ContainerSummary> instances = current.stream().filter(c -> c.name().equals(wanted))
                .sorted(NEWEST_FIRST).toList();
        if (instances.isEmpty()) {
            throw new Problem("container \"" + container + "\" not found in static pod \"" + pod.name() + "\""
                    + (names.isEmpty() ? "" : "; its containers: " + String.join(", ", names)));
        }
        ContainerSummary newest = instances.get(0);
        if (!previous) {
            return newest.id();
        }
        if (instances.size() > 1) {
            return instances.get(1).id();
        }
        if (!newest.running()) {
            return newest.id(); // waiting to be restarted: its last run, as the kubelet's lastState has it
        }
        throw new Problem("previous terminated container \"" + container + "\" in pod \"" + pod.name()
                + "\" not found");
    }

    /** The containers of the pod's newest version (the UID of its newest sandbox, else of its newest container). */
    private List<ContainerSummary> currentVersion(PodKey pod) {
        List<ContainerSummary> all = containers.getOrDefault(pod, List.of());
        String uid = sandboxes.getOrDefault(pod, List.of()).stream().max(Comparator.comparing(Sandbox::createdAt))
                .map(s -> s.metadata().uid())
                .orElseGet(() -> all.stream().max(Comparator.comparing(ContainerSummary::createdAt))
                        .map(c -> c.labels().get(WellKnown.POD_UID)).orElse(null));
        List<ContainerSummary> ofUid = new ArrayList<>();
        for (ContainerSummary c : all) {
            if (Objects.equals(c.labels().get(WellKnown.POD_UID), uid)) {
                ofUid.add(c);
            }
        }
        return ofUid;
    }

    private static PodKey keyOf(Map<String, String> labels) {
        String ns = labels.get(WellKnown.POD_NAMESPACE);
        String name = labels.get(WellKnown.POD_NAME);
        return ns == null || name == null ? null : new PodKey(ns, name);
    }
}
