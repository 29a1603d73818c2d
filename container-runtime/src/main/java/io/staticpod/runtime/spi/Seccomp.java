package io.staticpod.runtime.spi;

import java.util.Objects;

/**
 * A seccomp profile, as CRI's {@code SecurityProfile}.
 *
 * @param localhostPath the profile file on the node, for {@link Kind#LOCALHOST} only
 */
public record Seccomp(Kind kind, String localhostPath) {
    public enum Kind { UNCONFINED, RUNTIME_DEFAULT, LOCALHOST }

    public static final Seccomp UNCONFINED = new Seccomp(Kind.UNCONFINED, null);
    public static final Seccomp RUNTIME_DEFAULT = new Seccomp(Kind.RUNTIME_DEFAULT, null);

    public Seccomp {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.LOCALHOST) != (localhostPath != null)) {
            throw new IllegalArgumentException("a profile path goes with LOCALHOST, and only with it");
        }
    }

    public static Seccomp localhost(String path) {
        return new Seccomp(Kind.LOCALHOST, path);
    }
}
