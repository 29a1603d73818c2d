package io.staticpod.agent.launch;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The host's mounts, as far as {@code emptyDir} volumes with {@code medium: Memory} need them: a tmpfs mounted on the
 * volume's directory when the pod is prepared, unmounted when its state is removed. The production one is
 * {@link SyscallHostMounts}; tests use an in-memory mount table.
 */
public interface HostMounts {

    /** Whether something is mounted on {@code path} (so that preparing a pod again mounts nothing twice). */
    boolean mounted(Path path);

    /**
     * Mounts a tmpfs on the directory {@code path}.
     *
     * @param sizeBytes its size, or null for tmpfs's own default (half the node's memory)
     * @throws IOException saying what failed (the mount's own message)
     */
    void mountTmpfs(Path path, Long sizeBytes) throws IOException;

    /**
     * Unmounts what is mounted on {@code path}.
     *
     * @throws IOException saying what failed
     */
    void unmount(Path path) throws IOException;
}
