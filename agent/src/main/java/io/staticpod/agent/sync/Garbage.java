package io.staticpod.agent.sync;

import io.staticpod.agent.relist.ContainerView;
import io.staticpod.runtime.spi.Sandbox;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The planner's container GC, as the kubelet's: of each container of a pod version, every dead instance but the newest
 * exited one goes (kept for {@code kubectl logs --previous}); of a container the spec no longer has, every dead one;
 * and sandboxes that are neither the newest nor ready go once nothing that stays is in them. Pure.
 */
final class Garbage {
    private Garbage() {
    }

    /**
     * @param mine  every instance of the pod version
     * @param names the names of the spec's containers (init and app)
     * @param kills the stops already planned (those instances are not removed here)
     */
    static List<ContainerView> removals(List<ContainerView> mine, Set<String> names, List<PodActions.Kill> kills) {
        Set<String> killed = new HashSet<>();
        kills.forEach(k -> killed.add(k.container().id()));
        Map<String, List<ContainerView>> byName = new HashMap<>();
        mine.forEach(c -> byName.computeIfAbsent(c.name(), n -> new ArrayList<>()).add(c));
        List<ContainerView> out = new ArrayList<>();
        byName.forEach((name, list) -> {
            list.sort(ContainerView.NEWEST_FIRST);
            boolean inSpec = names.contains(name);
            ContainerView keptDead = inSpec ? list.stream().filter(ContainerView::exited).findFirst().orElse(null) : null;
            list.stream().skip(inSpec ? 1 : 0).filter(c -> !c.running() && c != keptDead && !killed.contains(c.id()))
                    .forEach(out::add);
        });
        out.sort(Comparator.comparing(ContainerView::id));
        return out;
    }

    /**
     * @param sandboxes the pod version's sandboxes, newest first
     * @param removals  what {@link #removals} removes
     */
    static List<Sandbox> sandboxRemovals(List<ContainerView> mine, List<Sandbox> sandboxes,
                                         List<ContainerView> removals, List<PodActions.Kill> kills) {
        Set<String> gone = new HashSet<>();
        removals.forEach(c -> gone.add(c.id()));
        kills.stream().filter(k -> !k.reason().keepForLogs()).forEach(k -> gone.add(k.container().id()));
        Set<String> used = new HashSet<>();
        mine.stream().filter(c -> !gone.contains(c.id())).forEach(c -> used.add(c.sandboxId()));
        return sandboxes.stream().skip(1).filter(s -> !s.ready() && !used.contains(s.id())).toList();
    }
}
