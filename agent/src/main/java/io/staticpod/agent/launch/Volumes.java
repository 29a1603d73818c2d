package io.staticpod.agent.launch;

import io.staticpod.manifest.StaticPod;
import io.staticpod.manifest.model.FieldRef;
import io.staticpod.manifest.model.Quantity;
import io.staticpod.manifest.model.Volume;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Prepares a pod's volumes on the host: {@code emptyDir} directories under the agent's root directory (one per pod
 * UID, removed with the pod; {@code medium: Memory} ones on a tmpfs mounted through {@link HostMounts}), the
 * {@code downwardAPI} files and the kubelet's {@code hostPath} type checks.
 */
public final class Volumes {
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;

    private static final Logger log = LoggerFactory.getLogger(Volumes.class);

    private final Path rootDir;
    private final HostMounts mounts;

    /** @param mounts where {@code emptyDir} volumes with {@code medium: Memory} get their tmpfs */
    public Volumes(Path rootDir, HostMounts mounts) {
        this.rootDir = rootDir;
        this.mounts = mounts;
    }

    /**
     * The host file mounted at a container instance's {@code terminationMessagePath}, created empty; what the
     * container writes there becomes its termination message, as with the kubelet.
     */
    public Path terminationLog(String uid, String container, int attempt) {
        return podDir(uid).resolve("containers").resolve(container).resolve(attempt + "-termination-log");
    }

    /** Reads a termination message: at most 4 KiB, as the kubelet; empty when there is none. */
    public String terminationMessage(String uid, String container, int attempt) {
        Path file = terminationLog(uid, container, attempt);
        try (var in = Files.newInputStream(file)) {
            return new String(in.readNBytes(4096), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Where the pod's own state (emptyDir volumes) lives. */
    public Path podDir(String uid) {
        return rootDir.resolve("pods").resolve(uid);
    }

    /**
     * Creates what the volumes need and returns each volume's host path.
     *
     * @throws LaunchException naming the volume and the failed check
     */
    public Map<String, Path> prepare(StaticPod pod) throws LaunchException {
        Map<String, Path> paths = new HashMap<>();
        for (Volume v : pod.pod().spec().volumes()) {
            if (v.source() instanceof Volume.HostPath h) {
                Path p = Path.of(h.path());
                check(v.name(), p, h.type());
                paths.put(v.name(), p);
            } else if (v.source() instanceof Volume.EmptyDir e) {
                Path p = podDir(pod.uid()).resolve("volumes").resolve("empty-dir").resolve(v.name());
                try {
                    Files.createDirectories(p);
                } catch (IOException ex) {
                    throw new LaunchException("volume " + v.name() + ": cannot create emptyDir " + p + ": " + ex);
                }
                if (e.medium() == Volume.StorageMedium.Memory) {
                    mountTmpfs(v.name(), p, e.sizeLimit());
                }
                paths.put(v.name(), p);
            } else if (v.source() instanceof Volume.DownwardApi d) {
                paths.put(v.name(), downwardApi(pod, v.name(), d));
            }
            // other sources are not supported by this agent: their mounts are refused when the container starts
        }
        return paths;
    }

    /**
     * A {@code downwardAPI} volume: one file per item, written before the containers start — labels and annotations
     * as {@code key="value"} lines in key order, name, namespace and uid as their value — with the item's mode
     * ({@code defaultMode}, 0644 unless set), as the kubelet writes it.
     */
    private Path downwardApi(StaticPod pod, String volume, Volume.DownwardApi source) throws LaunchException {
        Path dir = podDir(pod.uid()).resolve("volumes").resolve("downward-api").resolve(volume);
        try {
            Files.createDirectories(dir);
            for (Volume.DownwardApi.Item item : source.items()) {
                String rel = item.path();
                Path file = dir.resolve(rel).normalize();
                if (!file.startsWith(dir)) {
                    throw new LaunchException("volume " + volume + ": item path " + rel + " leaves the volume");
                }
                String field = item.source() instanceof FieldRef f ? f.fieldPath() : "";
                String content = switch (field) {
                    case "metadata.labels" -> pairs(pod.pod().metadata().labels());
                    case "metadata.annotations" -> pairs(pod.pod().metadata().annotations());
                    case "metadata.name" -> pod.key().name();
                    case "metadata.namespace" -> pod.key().namespace();
                    case "metadata.uid" -> pod.uid();
                    default -> throw new LaunchException("volume " + volume + ": item " + rel + ": field "
                            + (field.isEmpty() ? "(resourceFieldRef)" : field) + " is not supported by this agent"
                            + " in downwardAPI volumes (labels, annotations, name, namespace and uid are)");
                };
                Files.createDirectories(file.getParent());
                Files.writeString(file, content);
                Files.setPosixFilePermissions(file, permissions(item.mode()));
            }
        } catch (IOException e) {
            throw new LaunchException("volume " + volume + ": cannot write downwardAPI files in " + dir + ": " + e);
        }
        return dir;
    }

    /** The permission bits of a file mode ({@code 0644}: rw-r--r--); the reader keeps modes within 0777. */
    static java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions(int mode) {
        java.nio.file.attribute.PosixFilePermission[] all = java.nio.file.attribute.PosixFilePermission.values();
        java.util.Set<java.nio.file.attribute.PosixFilePermission> out =
                java.util.EnumSet.noneOf(java.nio.file.attribute.PosixFilePermission.class);
        for (int bit = 0; bit < 9; bit++) {
            if ((mode & (0400 >> bit)) != 0) {
                out.add(all[bit]); // OWNER_READ, OWNER_WRITE, OWNER_EXECUTE, GROUP_READ, … in mode order
            }
        }
        return out;
    }

    private static String pairs(Map<String, String> map) {
        StringBuilder b = new StringBuilder();
        new java.util.TreeMap<>(map).forEach((k, v) -> b.append(k).append("=\"").append(v.replace("\\", "\\\\")
                .replace("\"", "\\\"").replace("\n", "\\n")).append("\"\n"));
        return b.toString();
    }

    private static void check(String volume, Path p, Volume.HostPathType type) throws LaunchException {
        try {
            switch (type) {
                case Unset -> {
                }
                case DirectoryOrCreate -> Files.createDirectories(p);
                case FileOrCreate -> {
                    if (!Files.exists(p)) {
                        Files.createDirectories(p.getParent());
                        try {
                            Files.createFile(p);
                        } catch (FileAlreadyExistsException raced) {
                            // created meanwhile: fine
                        }
                    }
                    require(volume, p, Files.isRegularFile(p), "a file");
                }
                case Directory -> require(volume, p, Files.isDirectory(p), "a directory");
                case File -> require(volume, p, Files.isRegularFile(p), "a file");
                case Socket -> require(volume, p, mode(p) == S_IFSOCK, "a socket");
                case CharDevice -> require(volume, p, mode(p) == S_IFCHR, "a character device");
                case BlockDevice -> require(volume, p, mode(p) == S_IFBLK, "a block device");
            }
        } catch (IOException e) {
            throw new LaunchException("volume " + volume + ": hostPath " + p + ": " + e);
        }
    }

    private static int mode(Path p) throws IOException {
        if (!Files.exists(p)) {
            return -1;
        }
        return ((Integer) Files.getAttribute(p, "unix:mode")) & S_IFMT;
    }

    private static void require(String volume, Path p, boolean ok, String what) throws LaunchException {
        if (!ok) {
            throw new LaunchException("volume " + volume + ": hostPath type check failed: " + p + " is not " + what);
        }
    }

    /**
     * {@code emptyDir.medium: Memory}: a tmpfs mounted on the volume's directory, as the kubelet does, so every
     * container of the pod shares it; its size is the volume's sizeLimit (else half the node's memory, tmpfs's own
     * default). Mounted once: a pod prepared again finds it mounted.
     */
    private void mountTmpfs(String volume, Path dir, Quantity sizeLimit) throws LaunchException {
        if (mounts.mounted(dir)) {
            return;
        }
        try {
            mounts.mountTmpfs(dir, sizeLimit == null ? null : sizeLimit.amount().longValue());
        } catch (IOException e) {
            throw new LaunchException("volume " + volume + ": cannot mount a tmpfs for emptyDir medium Memory on " + dir
                    + ": " + e.getMessage());
        }
    }

    /** The UIDs of the pods that have a directory of their own state under the root directory. */
    public java.util.Set<String> podUids() {
        Path pods = rootDir.resolve("pods");
        if (!Files.isDirectory(pods)) {
            return java.util.Set.of();
        }
        try (var list = Files.list(pods)) {
            return list.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .collect(java.util.stream.Collectors.toSet());
        } catch (IOException e) {
            return java.util.Set.of();
        }
    }

    /** Removes the pod's own state (emptyDir contents, unmounting in-memory ones first). */
    public void cleanup(String uid) {
        Path dir = podDir(uid);
        if (!Files.exists(dir)) {
            return;
        }
        Path emptyDirs = dir.resolve("volumes").resolve("empty-dir");
        if (Files.isDirectory(emptyDirs)) {
            try (var list = Files.list(emptyDirs)) {
                for (Path v : list.toList()) {
                    unmount(v);
                }
            } catch (IOException e) {
                log.warn("Cannot list the pod's emptyDir volumes to unmount them uid={} error={}", uid, e.toString());
            }
        }
        deleteTree(dir);
    }

    /** Unmounts an in-memory emptyDir; one that cannot be is left mounted (its files stay) and said in the log. */
    private void unmount(Path volume) {
        if (!mounts.mounted(volume)) {
            return;
        }
        try {
            mounts.unmount(volume);
        } catch (IOException e) {
            log.warn("Cannot unmount the tmpfs of an emptyDir volume; it stays mounted path={} error={}", volume,
                    e.getMessage());
        }
    }

    /** Deletes a directory and everything in it, as far as it can; a later cleanup retries the rest. */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException ignored) {
                    // best effort; a later cleanup retries
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
