package io.staticpod.manifest.model;

import java.util.List;
import java.util.Objects;

/**
 * A volume of the pod: its name and its source, one of those this agent acts on ({@link HostPath},
 * {@link EmptyDir}, {@link DownwardApi}) or {@link Unsupported} (named by its kind, so that a mount of it is
 * refused with a clear message).
 */
public record Volume(String name, VolumeSource source) {
    public Volume {
        Objects.requireNonNull(source, "source");
    }

    /** A volume from the sources of the first model; a missing source is {@link Unsupported}. */
    @Deprecated(forRemoval = true)
    public Volume(String name, HostPathVolume hostPath, EmptyDirVolume emptyDir) {
        this(name, hostPath != null ? new HostPath(hostPath.path(), HostPathType.fromApi(hostPath.type()))
                : emptyDir != null ? new EmptyDir(StorageMedium.fromApi(emptyDir.medium()),
                emptyDir.sizeLimit() == null ? null : Quantity.parse(emptyDir.sizeLimit()))
                : new Unsupported("unknown"));
    }

    /** @deprecated read {@link #source()}: a {@link HostPath}. */
    @Deprecated(forRemoval = true)
    public HostPathVolume hostPath() {
        return source instanceof HostPath h ? new HostPathVolume(h.path(), h.type().apiValue()) : null;
    }

    /** @deprecated read {@link #source()}: an {@link EmptyDir}. */
    @Deprecated(forRemoval = true)
    public EmptyDirVolume emptyDir() {
        return source instanceof EmptyDir e ? new EmptyDirVolume(e.medium().apiValue(),
                e.sizeLimit() == null ? null : e.sizeLimit().text()) : null;
    }

    /** Where a volume's content comes from. */
    public sealed interface VolumeSource permits HostPath, EmptyDir, DownwardApi, Unsupported {
    }

    /** A path on the node, checked as {@code type} says before the containers start. */
    public record HostPath(String path, HostPathType type) implements VolumeSource {
        public HostPath {
            type = type == null ? HostPathType.Unset : type;
        }
    }

    /** {@code hostPath.type}: what must be at the path; {@link #Unset} checks nothing. */
    public enum HostPathType {
        Unset, DirectoryOrCreate, Directory, FileOrCreate, File, Socket, CharDevice, BlockDevice;

        /** As written in a manifest: {@code ""} for {@link #Unset}. */
        public String apiValue() {
            return this == Unset ? "" : name();
        }

        /** @throws IllegalArgumentException for a value the reader refuses */
        public static HostPathType fromApi(String value) {
            return value == null || value.isEmpty() ? Unset : valueOf(value);
        }
    }

    /**
     * A directory that lives as long as the pod.
     *
     * @param sizeLimit the most it may hold (the tmpfs size for {@link StorageMedium#Memory}), or null
     */
    public record EmptyDir(StorageMedium medium, Quantity sizeLimit) implements VolumeSource {
        public EmptyDir {
            medium = medium == null ? StorageMedium.Default : medium;
        }
    }

    /** {@code emptyDir.medium}: the node's disk, memory (a tmpfs), or huge pages ({@code HugePages-<size>} too). */
    public enum StorageMedium {
        Default, Memory, HugePages;

        /** As written in a manifest: {@code ""} for {@link #Default}. */
        public String apiValue() {
            return this == Default ? "" : name();
        }

        /** @throws IllegalArgumentException for a value the reader refuses */
        public static StorageMedium fromApi(String value) {
            if (value == null || value.isEmpty()) {
                return Default;
            }
            return value.startsWith("HugePages-") ? HugePages : valueOf(value);
        }
    }

    /**
     * Files holding fields of the pod or resources of its containers, written before the containers start.
     *
     * @param defaultMode the files' mode when an item sets none (0644 by default); already applied to each item
     */
    public record DownwardApi(List<Item> items, int defaultMode) implements VolumeSource {
        public static final int DEFAULT_MODE = 0644;

        public DownwardApi {
            items = items == null ? List.of() : List.copyOf(items);
        }

        /** One file: its path in the volume, what it holds, and its mode (the item's own, else the default). */
        public record Item(String path, ValueSource source, int mode) {
        }
    }

    /** Any other source ({@code nfs}, {@code iscsi}, …): named by its kind; mounting it is refused. */
    public record Unsupported(String kind) implements VolumeSource {
    }

    /** @deprecated the first model's host path source; read {@link HostPath} instead. */
    @Deprecated(forRemoval = true)
    public record HostPathVolume(String path, String type) {
    }

    /** @deprecated the first model's emptyDir source; read {@link EmptyDir} instead. */
    @Deprecated(forRemoval = true)
    public record EmptyDirVolume(String medium, String sizeLimit) {
    }
}
