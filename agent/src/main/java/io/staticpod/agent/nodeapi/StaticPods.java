package io.staticpod.agent.nodeapi;

import java.util.List;
import java.util.Optional;

/** The static pods of this node, as the agent runs them now. Thread-safe; each call a consistent snapshot. */
public interface StaticPods {

    /** Every static pod, sorted by namespace and name. */
    List<StaticPodView> list();

    /**
     * The static pod {@code namespace/name} ({@code name} as the mirror is called, {@code <pod>-<node>}), or empty. Any
     * string may be asked ({@code ..}, slashes, kilobytes): only a static pod of this node is ever found.
     */
    Optional<StaticPodView> find(String namespace, String name);
}
