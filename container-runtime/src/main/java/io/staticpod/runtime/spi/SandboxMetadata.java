package io.staticpod.runtime.spi;

import java.util.Objects;

/**
 * Who a sandbox is for, as CRI's {@code PodSandboxMetadata}: engines name sandboxes after it.
 *
 * @param name      the pod's name ({@code web-node1})
 * @param namespace the pod's namespace
 * @param uid       the pod's UID
 * @param attempt   0 for the pod's first sandbox, one more for each that replaces it
 */
public record SandboxMetadata(String name, String namespace, String uid, int attempt) {
    public SandboxMetadata {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(uid, "uid");
    }
}
