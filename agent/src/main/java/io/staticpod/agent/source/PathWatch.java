package io.staticpod.agent.source;

import io.methvin.watcher.DirectoryWatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * The directory watch of a {@link FileManifestSource} (inotify, via directory-watcher): it follows the directory the
 * static pod path leads to now, and calls {@code onChange} for every event about the directory or an entry of it.
 * The watch only hastens a scan, which a periodic re-list would do anyway: a watch that cannot be set up or that ends
 * is said once, and the re-list carries on alone.
 *
 * <p>Confined to the source's loop thread, as the source is.
 */
final class PathWatch {
    private static final Logger log = LoggerFactory.getLogger(FileManifestSource.class);

    private final Path path;
    private final ScheduledExecutorService loop;
    private final Runnable onChange;
    private final Supplier<Duration> recheck;
    private final Set<WatchTarget> namedOnce = new HashSet<>();
    private DirectoryWatcher watcher;
    /** The directory {@link #watcher} watches, and its identity then. */
    private WatchTarget watched;
    /** The directory the last {@link #ensure} found to watch (null: none), whether or not its watch could be set up. */
    private WatchTarget lastTarget;

    /** A directory to watch and its file key (device and inode), which changes when it is deleted and recreated. */
    private record WatchTarget(Path dir, Object key) {
    }

    PathWatch(Path path, ScheduledExecutorService loop, Runnable onChange, Supplier<Duration> recheck) {
        this.path = path;
        this.loop = loop;
        this.onChange = onChange;
        this.recheck = recheck;
    }

    /**
     * Watches the directory the path leads to now, anew when that changed: deleted and recreated (a new file key),
     * a symbolic link switched to another directory. While the path is missing, its parent is watched so that its
     * return is seen at once; while it cannot be read, the current watch is kept.
     *
     * @return whether the directory to watch is another than the last call's (what changed meanwhile may have been
     *         missed: scan again)
     */
    boolean ensure() {
        WatchTarget target;
        try {
            target = watchTarget();
        } catch (IOException e) {
            return false;
        }
        if (watcher != null && !watcher.isClosed() && target != null && target.equals(watched)) {
            return false;
        }
        boolean moved = !java.util.Objects.equals(target, lastTarget);
        lastTarget = target;
        close();
        if (target == null) {
            return moved;
        }
        Path dir = target.dir();
        try {
            DirectoryWatcher w = DirectoryWatcher.builder()
                    .path(dir)
                    .fileHashing(false)
                    .listener(event -> {
                        Path changed = event.path();
                        if (changed != null && (dir.equals(changed.getParent()) || dir.equals(changed))) {
                            onChange.run();
                        }
                    })
                    .build();
            watcher = w;
            watched = target;
            w.watchAsync().whenComplete((v, e) -> {
                if (e != null) {
                    log.warn("Watch of static pod path ended; relying on the periodic re-list until it is back "
                            + "path={} every={} error={}", dir, recheck, e.toString());
                }
                loop.execute(() -> {
                    if (watcher == w) {
                        close();
                    }
                });
            });
        } catch (IOException | RuntimeException e) {
            if (namedOnce.add(target)) {
                log.warn("Cannot watch static pod path; relying on the periodic re-list path={} every={} error={}",
                        dir, recheck, e.toString());
            }
            watcher = null;
            watched = null;
        }
        return moved;
    }

    /**
     * The directory to watch: the one the path leads to (links resolved), the parent of a regular file or of a
     * missing path; null when there is none.
     *
     * @throws IOException when the path cannot be looked at (then the watch is left as it is)
     */
    private WatchTarget watchTarget() throws IOException {
        Path dir;
        try {
            Path real = path.toRealPath();
            dir = Files.isDirectory(real) ? real : real.getParent();
        } catch (NoSuchFileException e) {
            Path parent = path.getParent();
            if (parent == null || !Files.isDirectory(parent)) {
                return null;
            }
            dir = parent.toRealPath();
        }
        if (dir == null) {
            return null;
        }
        return new WatchTarget(dir, Files.readAttributes(dir, BasicFileAttributes.class).fileKey());
    }

    void close() {
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException ignored) {
                // closing a broken watch
            }
            watcher = null;
            watched = null;
        }
    }
}
