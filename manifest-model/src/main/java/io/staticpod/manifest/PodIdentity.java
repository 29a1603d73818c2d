package io.staticpod.manifest;

import io.staticpod.manifest.model.Container;

/** How pods and containers are identified. The encodings here are contracts: a change restarts every pod. */
public final class PodIdentity {
    private PodIdentity() {
    }

    /** {@code <name>-<node>}, node lowercased, as the kubelet's generatePodName. */
    public static String podName(String manifestName, String nodeName) {
        return manifestName + "-" + nodeName.toLowerCase(java.util.Locale.ROOT);
    }

    /** A stable hex hash of one container's spec, for the {@code io.kubernetes.container.hash} label. */
    public static String containerHash(Container container) {
        throw new UnsupportedOperationException("to be implemented");
    }
}
