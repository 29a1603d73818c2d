package io.staticpod.runtime.cri;

import io.staticpod.runtime.cri.proto.Cri;
import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.Mount;
import io.staticpod.runtime.spi.RuntimeError;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * In-memory mounts ({@link Mount.Type#TMPFS}, {@code emptyDir} with {@code medium: Memory}) on CRI, which has only
 * bind mounts. Each such mount becomes a bind of a fresh directory of its own on a file system that lives in memory:
 * {@code <root>/<sandbox id>/<container>-<attempt>-<n>}, where the root is {@link CriSettings#memoryRoot()} or, when
 * not set, {@code /run/static-pod-agent/memory} if {@code /run} is a tmpfs, else {@code /dev/shm/static-pod-agent}
 * ({@code /dev/shm} is a tmpfs on every Linux). The adapter cannot mount a tmpfs of its own (that needs
 * {@code mount(2)}, so a process or native code), and the kubelet itself does it the same way: an in-memory
 * emptyDir is a host directory on a tmpfs, bound into the container.
 *
 * <p>Assumptions and limits: the contents live in memory and are never written to disk, as on Docker; the mount's
 * {@link Mount#sizeBytes() size limit} is not enforced per mount (the root's tmpfs has its own size; memory used
 * there is charged to the writer's cgroup as shared memory, as with any tmpfs); each instance of a container gets an
 * empty directory, as a fresh tmpfs would be; the directory goes when the container is removed, and whatever is left
 * of a sandbox when the sandbox is. A root that is not on a tmpfs or ramfs is refused (the data would reach disk).
 */
final class InMemoryMounts {
    private final Path configured;

    InMemoryMounts(Path configured) {
        this.configured = configured;
    }

    /** The container's mounts as CRI binds, the in-memory ones each given an empty directory of its own. */
    List<Cri.Mount> mounts(String sandboxId, ContainerConfig config) {
        List<Cri.Mount> out = new ArrayList<>();
        int n = 0;
        for (Mount m : config.mounts()) {
            if (m.type() == Mount.Type.BIND) {
                out.add(CriRequests.bind(m.hostPath(), m.containerPath(), m.readOnly()));
                continue;
            }
            Path dir = root().resolve(sandboxId).resolve(config.name() + "-" + config.attempt() + "-" + n++);
            try {
                deleteTree(dir);
                Files.createDirectories(dir);
                // as a fresh tmpfs: anyone may write (the container may run as any user)
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
            } catch (IOException | UncheckedIOException e) {
                throw new RuntimeError.Refused("cannot make the in-memory directory " + dir + " for "
                        + m.containerPath() + " of container " + config.name() + ": " + e, e);
            }
            out.add(CriRequests.bind(dir.toString(), m.containerPath(), false));
        }
        return out;
    }

    /** Whether any in-memory directory may exist (so that a remove must look for it). No call to the runtime. */
    boolean inUse() {
        Path root = rootIfKnown();
        if (root == null || !Files.isDirectory(root)) {
            return false;
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.findAny().isPresent();
        } catch (IOException e) {
            return true;
        }
    }

    void removeContainer(String sandboxId, String name, int attempt) {
        Path root = rootIfKnown();
        if (root == null) {
            return;
        }
        Path sandbox = root.resolve(sandboxId);
        try (Stream<Path> s = Files.list(sandbox)) {
            for (Path dir : s.filter(p -> p.getFileName().toString().startsWith(name + "-" + attempt + "-"))
                    .toList()) {
                deleteTree(dir);
            }
        } catch (IOException | UncheckedIOException e) {
            // nothing there
        }
    }

    void removeSandbox(String sandboxId) {
        Path root = rootIfKnown();
        if (root != null) {
            try {
                deleteTree(root.resolve(sandboxId));
            } catch (IOException | UncheckedIOException e) {
                // best effort: a later removal of the same sandbox tries again
            }
        }
    }

    private volatile Path root;

    private Path rootIfKnown() {
        try {
            return root();
        } catch (RuntimeError e) {
            return null;
        }
    }

    /** The root, checked once to be in memory. */
    Path root() {
        Path r = root;
        if (r != null) {
            return r;
        }
        if (configured != null) {
            if (!inMemory(configured)) {
                throw new RuntimeError.Refused("the in-memory mount root " + configured + " is not on a tmpfs:"
                        + " in-memory volumes would be written to disk; choose a directory on a tmpfs", null);
            }
            r = configured;
        } else if (inMemory(Path.of("/run"))) {
            r = Path.of("/run/static-pod-agent/memory");
        } else if (inMemory(Path.of("/dev/shm"))) {
            r = Path.of("/dev/shm/static-pod-agent");
        } else {
            throw new RuntimeError.Refused("neither /run nor /dev/shm is a tmpfs: in-memory volumes cannot be"
                    + " provided on this node", null);
        }
        root = r;
        return r;
    }

    /** Whether {@code path} (or its nearest existing parent) is on a tmpfs or ramfs. */
    static boolean inMemory(Path path) {
        Path p = path.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null) {
            return false;
        }
        try {
            String type = Files.getFileStore(p).type();
            return "tmpfs".equals(type) || "ramfs".equals(type);
        } catch (IOException e) {
            return false;
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
