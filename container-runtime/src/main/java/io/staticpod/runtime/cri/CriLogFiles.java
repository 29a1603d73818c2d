package io.staticpod.runtime.cri;

import io.staticpod.runtime.spi.ContainerStatus;
import io.staticpod.runtime.spi.Containers;
import io.staticpod.runtime.spi.LogRotation;
import io.staticpod.runtime.spi.RuntimeError;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Rotates one container's CRI log file as the kubelet's container log manager does, so that the agent only has to
 * call {@link #rotate} for each running container now and then (the kubelet: every 10 s) with its
 * {@code containerLogMaxSize} and {@code containerLogMaxFiles}: when the file {@code <n>.log} is larger than the
 * limit, it is renamed {@code <n>.log.<yyyyMMdd-HHmmss>} (UTC), the runtime is asked to reopen the path
 * ({@link LogRotation}), and the oldest rotated files are deleted so that at most {@code maxFiles} files remain, the
 * live one included. If the runtime cannot reopen, the rename is undone. Rotated files are not compressed (the
 * kubelet gzips all but the newest). Thread-safe as long as one container is rotated by one thread at a time.
 */
public final class CriLogFiles {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private final Containers containers;
    private final LogRotation rotation;
    private final Clock clock;

    public CriLogFiles(Containers containers, LogRotation rotation, Clock clock) {
        this.containers = containers;
        this.rotation = rotation;
        this.clock = clock;
    }

    /**
     * Rotates the running container's log when it is larger than {@code maxSizeBytes}, and deletes rotated files
     * beyond {@code maxFiles - 1}.
     *
     * @return the rotated file (its new name), or empty when nothing was rotated (small enough, not running, no log)
     * @throws RuntimeError when the runtime cannot be asked or refuses to reopen (the file is back under its name)
     */
    public Optional<Path> rotate(String containerId, long maxSizeBytes, int maxFiles) throws IOException {
        if (maxFiles < 2) {
            throw new IllegalArgumentException("containerLogMaxFiles must be at least 2, was " + maxFiles);
        }
        Optional<ContainerStatus> status = containers.status(containerId);
        if (status.isEmpty() || !status.get().running() || status.get().logPath() == null) {
            return Optional.empty();
        }
        Path log = Path.of(status.get().logPath());
        long size;
        try {
            size = Files.size(log);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (size <= maxSizeBytes) {
            deleteOldest(log, maxFiles - 1);
            return Optional.empty();
        }
        // room for the one about to be made
        deleteOldest(log, maxFiles - 2);
        Path rotated = uniqueName(log);
        Files.move(log, rotated);
        try {
            rotation.reopen(containerId);
        } catch (RuntimeError e) {
            Files.move(rotated, log);
            throw e;
        }
        return Optional.of(rotated);
    }

    /** The files rotated from {@code log}, oldest first (their names sort by time). */
    public static List<Path> rotatedFiles(Path log) throws IOException {
        List<Path> out = new ArrayList<>();
        Path dir = log.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return out;
        }
        String prefix = log.getFileName() + ".";
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, p -> p.getFileName().toString()
                .startsWith(prefix))) {
            s.forEach(out::add);
        }
        out.sort(null);
        return out;
    }

    /** Deletes a log file and those rotated from it; a missing file is fine. */
    static void deleteWithRotated(String logPath) {
        if (logPath == null || logPath.isEmpty()) {
            return;
        }
        Path log = Path.of(logPath);
        try {
            Files.deleteIfExists(log);
            for (Path p : rotatedFiles(log)) {
                Files.deleteIfExists(p);
            }
            // the container's directory when it holds nothing more (other attempts keep it)
            Path dir = log.getParent();
            if (dir != null) {
                try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
                    if (!s.iterator().hasNext()) {
                        Files.deleteIfExists(dir);
                    }
                }
            }
        } catch (IOException e) {
            // best effort: the runtime's record is gone already
        }
    }

    private void deleteOldest(Path log, int keep) throws IOException {
        List<Path> rotated = rotatedFiles(log);
        for (int i = 0; i < rotated.size() - Math.max(0, keep); i++) {
            Files.deleteIfExists(rotated.get(i));
        }
    }

    private Path uniqueName(Path log) {
        String base = log.getFileName() + "." + STAMP.format(clock.instant());
        Path candidate = log.resolveSibling(base);
        for (int n = 1; Files.exists(candidate); n++) {
            candidate = log.resolveSibling(base + "-" + n);
        }
        return candidate;
    }
}
