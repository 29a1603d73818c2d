package io.staticpod.agent.source;

import io.methvin.watcher.DirectoryWatcher;
import io.staticpod.manifest.ManifestReader;
import io.staticpod.manifest.ParseResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Reads the static pod path and reports a full {@link SourceSnapshot} whenever something may have changed.
 *
 * <p>Assumptions and blind spots: changes are noticed through a directory watch (inotify, via directory-watcher),
 * debounced by {@link #DEBOUNCE}, and always followed by a full re-scan, so a missed or coalesced event costs nothing;
 * a periodic full re-list ({@code fileCheckFrequency}) catches anything the watch cannot see (the directory deleted
 * and recreated, a network file system). Files are re-parsed only when their bytes change, so {@code touch}, chmod and
 * identical rewrites cause no work. Symbolic links to regular files are followed (the link's name is the file's name);
 * a link to a directory and a link whose target is missing are skipped and named once, as sub-directories (never
 * recursed) and special files (never opened) are; see {@link ManifestFiles}.
 *
 * <p>Faults of the path itself, where the kubelet drops every pod at once: a path that <b>disappears</b> (deleted and
 * recreated by a config-management tool, a dangling symbolic link) keeps the pods last read from it running for
 * {@link #MISSING_GRACE_RELISTS} re-lists (60 s with the default 20 s {@code fileCheckFrequency}), and they are
 * removed only if it is still missing then; a path that becomes <b>unreadable</b> (permissions, I/O errors) keeps them
 * for as long as it lasts. Each is said once when it starts and once when it ends. The watch follows the directory the
 * path leads to now: a directory recreated, or a symbolic link switched to another directory (an atomic
 * {@code mv -T} of a link, as deploy tools do), is watched anew from the next scan.
 *
 * <p>All scanning runs on the single {@code loop} executor given to the constructor, which is also where the
 * snapshot consumer runs: nothing here needs a lock beyond that confinement.
 */
public final class FileManifestSource implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FileManifestSource.class);
    static final Duration DEBOUNCE = Duration.ofMillis(50);
    /** How many re-lists a path that disappeared keeps its pods running before they are removed. */
    static final int MISSING_GRACE_RELISTS = 3;

    private final Path path;
    private volatile Duration recheck;
    private final ManifestReader reader;
    private final Consumer<SourceSnapshot> sink;
    private final ScheduledExecutorService loop;
    private final LongSupplier nanoTime;
    private volatile Runnable onWatchEvent = () -> { };
    private volatile boolean strictPermissions;

    // confined to the loop thread
    private final Map<Path, Cached> cache = new HashMap<>();
    private final Set<String> namedOnce = new HashSet<>();
    private DirectoryWatcher watcher;
    /** The directory {@link #watcher} watches, and its identity then. */
    private WatchTarget watched;
    private ScheduledFuture<?> pendingScan;
    private ScheduledFuture<?> periodic;
    private boolean missingReported;
    /** The last snapshot read from the path while it existed; re-sent while it is missing, for the grace. */
    private SourceSnapshot lastRead;
    /** When the path was first found missing ({@link #nanoTime}), or null while it exists. */
    private Long missingSince;
    /** Why the path could not be read, as last logged, or null while it can. */
    private String unreadable;

    private record Cached(byte[] content, ParseResult result) {
    }

    /** A directory to watch and its file key (device and inode), which changes when it is deleted and recreated. */
    private record WatchTarget(Path dir, Object key) {
    }

    /** The path could not be read; already logged. */
    private static final class Unreadable extends RuntimeException {
        Unreadable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public FileManifestSource(Path path, Duration recheck, ManifestReader reader, Consumer<SourceSnapshot> sink,
                              ScheduledExecutorService loop) {
        this(path, recheck, reader, sink, loop, System::nanoTime);
    }

    FileManifestSource(Path path, Duration recheck, ManifestReader reader, Consumer<SourceSnapshot> sink,
                       ScheduledExecutorService loop, LongSupplier nanoTime) {
        this.path = path.toAbsolutePath().normalize();
        this.recheck = recheck;
        this.reader = reader;
        this.sink = sink;
        this.loop = loop;
        this.nanoTime = nanoTime;
    }

    /** Scans at once (on the loop) and then on every change and every {@code recheck}. */
    public void start() {
        log.info("Adding static pod path path={} strictManifestPermissions={}", path, strictPermissions);
        loop.execute(this::scanAndReport);
        periodic = loop.scheduleWithFixedDelay(this::scanAndReport, recheck.toMillis(), recheck.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Strict mode ({@code strictManifestPermissions}): a manifest that anyone but root can write, or any manifest in a
     * directory that anyone but root can write, is refused as invalid (its pod keeps its last good version, as for
     * any invalid manifest). Off: the same is said once as a warning.
     */
    public FileManifestSource strictPermissions(boolean strict) {
        this.strictPermissions = strict;
        return this;
    }

    /** Called on every relevant event of the directory watch (for metrics). */
    public void onWatchEvent(Runnable hook) {
        this.onWatchEvent = hook;
    }

    /** Changes the period of the full re-list (a config reload); the next one is {@code recheck} from now. */
    public void recheckEvery(Duration recheck) {
        loop.execute(() -> {
            if (periodic != null && periodic.cancel(false)) {
                this.recheck = recheck;
                periodic = loop.scheduleWithFixedDelay(this::scanAndReport, recheck.toMillis(), recheck.toMillis(),
                        TimeUnit.MILLISECONDS);
            }
        });
    }

    /** Asks for a re-scan soon; many requests within {@link #DEBOUNCE} make one scan. Thread-safe. */
    public void requestScan() {
        loop.execute(() -> {
            if (pendingScan == null || pendingScan.isDone()) {
                pendingScan = loop.schedule(this::scanAndReport, DEBOUNCE.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    private void scanAndReport() {
        try {
            ensureWatching();
            sink.accept(scan());
        } catch (Unreadable e) {
            // said once by scan(); the pods already known keep running
        } catch (RuntimeException e) {
            log.error("Scanning the static pod path failed; will retry at the next re-list path={} in={}",
                    path, recheck, e);
        }
    }

    /**
     * Reads the path now. Runs on the loop thread.
     *
     * @throws Unreadable when the path cannot be read (then the pods already known are kept)
     */
    SourceSnapshot scan() {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return missing();
        } catch (IOException e) {
            throw unreadable(e);
        }
        if (missingSince != null) {
            log.info("Static pod path is back path={} missingFor={}", path,
                    Duration.ofNanos(nanoTime.getAsLong() - missingSince));
            missingSince = null;
        }
        missingReported = false;
        boolean strict = strictPermissions;
        String pathProblem = writableByOthers(path, strict);
        if (attrs.isRegularFile()) {
            return readable(List.of(pathProblem != null
                    ? ManifestFiles.invalid(path, ManifestFiles.strictRefusal("the manifest", path, pathProblem))
                    : read(path)));
        }
        List<Path> entries;
        try (Stream<Path> s = Files.list(path)) {
            entries = s.sorted().toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            throw unreadable(e instanceof java.io.UncheckedIOException u ? u.getCause() : (IOException) e);
        }
        List<ParseResult> results = new ArrayList<>();
        Set<Path> seen = new HashSet<>();
        for (Path file : entries) {
            ManifestFiles.Kind kind = ManifestFiles.classify(file);
            if (kind != ManifestFiles.Kind.MANIFEST) {
                if (kind.logMessage() != null) {
                    once(file, kind.logMessage());
                }
                continue;
            }
            seen.add(file);
            String fileProblem = writableByOthers(file, strict);
            if (pathProblem != null) {
                results.add(ManifestFiles.invalid(file, ManifestFiles.strictRefusal("the directory", path, pathProblem)));
            } else if (fileProblem != null) {
                results.add(ManifestFiles.invalid(file, ManifestFiles.strictRefusal("the manifest", file, fileProblem)));
            } else {
                results.add(read(file));
            }
        }
        cache.keySet().retainAll(seen);
        return readable(results);
    }

    /** A snapshot of what was just read; the path is readable. */
    private SourceSnapshot readable(List<ParseResult> results) {
        if (unreadable != null) {
            log.info("Static pod path is readable again path={}", path);
            unreadable = null;
        }
        lastRead = new SourceSnapshot(results, true);
        return lastRead;
    }

    /**
     * The path does not exist (or is a dangling link). Pods read from it before keep running for the grace, in case
     * it is being replaced; then they are removed, as the kubelet removes them at once.
     */
    private SourceSnapshot missing() {
        Duration grace = recheck.multipliedBy(MISSING_GRACE_RELISTS);
        if (lastRead != null && !lastRead.results().isEmpty()) {
            long now = nanoTime.getAsLong();
            if (missingSince == null) {
                missingSince = now;
                log.warn("Static pod path disappeared; its static pods keep running in case it comes back, and are "
                        + "removed if it is still missing after {} path={} pods={}", grace, path,
                        lastRead.results().size());
            }
            if (now - missingSince < grace.toNanos()) {
                return lastRead;
            }
            log.warn("Static pod path still missing after {}; removing the static pods read from it path={}", grace,
                    path);
            missingReported = true;
        }
        if (!missingReported) {
            log.warn("Static pod path does not exist; running no static pods from it until it appears path={}",
                    path);
            missingReported = true;
        }
        lastRead = null;
        cache.clear();
        return new SourceSnapshot(List.of(), false);
    }

    /** Says once (per reason) that the path cannot be read; the pods already known keep running. */
    private Unreadable unreadable(IOException e) {
        String why = describe(e, path);
        if (!why.equals(unreadable)) {
            log.error("Cannot read the static pod path; the static pods already known keep running until it is "
                    + "readable again path={} error=\"{}\"", path, why);
            unreadable = why;
        }
        return new Unreadable(why, e);
    }

    /**
     * An I/O error on {@code subject} in words: Java's own message for these is often the bare path. Another file
     * the error is about (the target of a link) is named.
     */
    static String describe(IOException e, Path subject) {
        if (e instanceof FileSystemException f && f.getReason() == null) {
            String what = e instanceof AccessDeniedException ? "permission denied"
                    : e instanceof NoSuchFileException ? "no such file" : e.getClass().getSimpleName();
            return subject.toString().equals(f.getFile()) || f.getFile() == null ? what : what + ": " + f.getFile();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private ParseResult read(Path file) {
        byte[] content;
        try {
            content = ManifestFiles.read(file);
        } catch (ManifestFiles.TooLarge e) {
            cache.remove(file);
            return ManifestFiles.invalid(file, e.getMessage());
        } catch (IOException e) {
            cache.remove(file);
            return ManifestFiles.invalid(file, "cannot read the file: " + describe(e, file));
        }
        Cached cached = cache.get(file);
        if (cached != null && Arrays.equals(cached.content, content)) {
            return cached.result;
        }
        ParseResult result = reader.parse(file, content);
        cache.put(file, new Cached(content, result));
        return result;
    }

    /**
     * A manifest can run a privileged container with the node's root file system mounted: the directory and its
     * files are as sensitive as root's crontab. Anyone but root able to write them is said once, loudly; in strict
     * mode the phrase is returned, for the file's refusal, else null.
     */
    private String writableByOthers(Path p, boolean strict) {
        String who = ManifestFiles.writableByOthers(p);
        if (who == null) {
            namedOnce.remove("writable" + p);
            return null;
        }
        if (namedOnce.add("writable" + p)) {
            if (strict) {
                log.warn("Static pod manifests writable by others than root are refused (strictManifestPermissions) "
                        + "path={} who=\"{}\"", p, who);
            } else {
                log.warn("Static pod manifests writable by others than root; whoever can write here can run "
                        + "privileged containers on this node: make it root-owned and not group/world-writable "
                        + "path={} who=\"{}\"", p, who);
            }
        }
        return strict ? who : null;
    }

    private void once(Path file, String message) {
        if (namedOnce.add(message + file)) {
            log.info(message, file);
        }
    }

    /**
     * Watches the directory the path leads to now, anew when that changed: deleted and recreated (a new file key),
     * a symbolic link switched to another directory. While the path is missing, its parent is watched so that its
     * return is seen at once; while it cannot be read, the current watch is kept.
     */
    private void ensureWatching() {
        WatchTarget target;
        try {
            target = watchTarget();
        } catch (IOException e) {
            return;
        }
        if (watcher != null && !watcher.isClosed() && target != null && target.equals(watched)) {
            return;
        }
        closeWatcher();
        if (target == null) {
            return;
        }
        Path dir = target.dir();
        try {
            DirectoryWatcher w = DirectoryWatcher.builder()
                    .path(dir)
                    .fileHashing(false)
                    .listener(event -> {
                        Path changed = event.path();
                        if (changed != null && (dir.equals(changed.getParent()) || dir.equals(changed))) {
                            onWatchEvent.run();
                            requestScan();
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
                        closeWatcher();
                    }
                });
            });
        } catch (IOException | RuntimeException e) {
            if (namedOnce.add("watch" + target)) {
                log.warn("Cannot watch static pod path; relying on the periodic re-list path={} every={} error={}",
                        dir, recheck, e.toString());
            }
            watcher = null;
            watched = null;
        }
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

    private void closeWatcher() {
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

    @Override
    public void close() {
        if (periodic != null) {
            periodic.cancel(false);
        }
        loop.execute(this::closeWatcher);
    }
}
