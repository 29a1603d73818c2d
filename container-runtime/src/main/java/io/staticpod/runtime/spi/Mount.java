package io.staticpod.runtime.spi;

import java.util.Objects;

/**
 * A mount of a container: a host path bound in ({@link Type#BIND}) or an in-memory file system ({@link Type#TMPFS},
 * {@code emptyDir} with {@code medium: Memory}).
 *
 * @param hostPath  the host path, for a bind; null for a tmpfs
 * @param sizeBytes the tmpfs's size limit, 0 for the engine's default; 0 for a bind
 */
public record Mount(Type type, String hostPath, String containerPath, boolean readOnly, long sizeBytes) {
    public enum Type { BIND, TMPFS }

    public Mount {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(containerPath, "containerPath");
        if (type == Type.BIND) {
            Objects.requireNonNull(hostPath, "hostPath of a bind mount");
        }
    }

    public static Mount bind(String hostPath, String containerPath, boolean readOnly) {
        return new Mount(Type.BIND, hostPath, containerPath, readOnly, 0);
    }

    public static Mount tmpfs(String containerPath, long sizeBytes) {
        return new Mount(Type.TMPFS, null, containerPath, false, sizeBytes);
    }
}
