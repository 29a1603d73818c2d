package io.staticpod.manifest.model;

/**
 * Which of the node's namespaces the pod shares ({@code hostNetwork}, {@code hostPID}, {@code hostIPC}), and
 * whether its containers share one process namespace ({@code shareProcessNamespace}).
 */
public record Namespaces(boolean hostNetwork, boolean hostPID, boolean hostIPC, boolean shareProcessNamespace) {
    public static final Namespaces POD = new Namespaces(false, false, false, false);
}
