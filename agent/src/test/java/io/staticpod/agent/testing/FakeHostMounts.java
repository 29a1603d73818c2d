package io.staticpod.agent.testing;

import io.staticpod.agent.launch.HostMounts;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** An in-memory mount table: what was mounted where with what size, what was unmounted; failures on demand. */
public final class FakeHostMounts implements HostMounts {
    /** Mounted paths and their size (-1: tmpfs's default). */
    private final Map<Path, Long> mounted = new ConcurrentHashMap<>();
    /** Every call, in order: {@code mount <path> size=<bytes|default>}, {@code umount <path>}. */
    public final List<String> calls = new CopyOnWriteArrayList<>();
    private volatile String refuseMounts;

    /** Every mount from now on fails with {@code message}, as {@code mount} would (null: they succeed again). */
    public void refuseMounts(String message) {
        this.refuseMounts = message;
    }

    /** The size of the tmpfs mounted on {@code path}: empty when none is; -1 when mounted with tmpfs's default. */
    public Optional<Long> sizeAt(Path path) {
        return Optional.ofNullable(mounted.get(path));
    }

    public List<Path> mountedPaths() {
        return new ArrayList<>(mounted.keySet());
    }

    @Override
    public boolean mounted(Path path) {
        return mounted.containsKey(path);
    }

    @Override
    public void mountTmpfs(Path path, Long sizeBytes) throws IOException {
        calls.add("mount " + path + " size=" + (sizeBytes == null ? "default" : sizeBytes));
        String refused = refuseMounts;
        if (refused != null) {
            throw new IOException(refused);
        }
        mounted.put(path, sizeBytes == null ? -1L : sizeBytes);
    }

    @Override
    public void unmount(Path path) throws IOException {
        calls.add("umount " + path);
        if (mounted.remove(path) == null) {
            throw new IOException("umount: " + path + ": not mounted");
        }
    }
}
