package io.staticpod.it;

import java.util.List;
import java.util.Map;

/** What really runs on one runtime, as the behaviour tests look at it, and how the agent is pointed at it. */
interface RuntimeObserver {
    String OWNER = "io.staticpod.agent.node";

    /**
     * A container or sandbox as seen: its id, its name (Docker's, without a leading slash), its labels with its
     * annotations among them as {@code annotation.<key>} (as Docker keeps them), and whether it runs.
     */
    record Seen(String id, String name, Map<String, String> labels, boolean running) {
        String label(String key) {
            return labels.get(key);
        }

        /** A pod's sandbox ({@code io.kubernetes.container.name=POD}). */
        boolean sandbox() {
            return "POD".equals(label("io.kubernetes.container.name"));
        }

        /** The restart count the agent gave it (the kubelet's annotation), or -1 for a sandbox. */
        int restartCount() {
            String v = label("annotation.io.kubernetes.container.restartCount");
            return v == null ? -1 : Integer.parseInt(v);
        }
    }

    /** Fails under CI, skips elsewhere, when the runtime is not usable. */
    void require();

    /** Flags that make the agent use this runtime. */
    List<String> agentArgs();

    /** Every container (running or not) the agent for {@code node} owns. */
    List<Seen> all(String node);

    default List<Seen> running(String node) {
        return all(node).stream().filter(Seen::running).toList();
    }

    /** Running containers named {@code container} in the pod {@code podName} of {@code node}. */
    default List<Seen> running(String node, String podName, String container) {
        return running(node).stream()
                .filter(c -> podName.equals(c.label("io.kubernetes.pod.name")))
                .filter(c -> container.equals(c.label("io.kubernetes.container.name")))
                .toList();
    }

    /** The container's environment as {@code NAME=VALUE} entries, or null when the container is gone. */
    List<String> env(String id);

    /** SIGKILL to the container's process, as {@code docker kill}. */
    void kill(String id);

    /** Everything the container wrote. */
    String logs(String id);

    /** Removes everything the agent for {@code node} left behind. */
    void removeAll(String node);
}
