package io.staticpod.agent.source;

import io.methvin.watcher.DirectoryWatcher;
import io.staticpod.manifest.ManifestReader;
import io.staticpod.manifest.ParseResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * <p>All scanning runs on the single {@code loop} executor given to the constructor, which is also where the
 * snapshot consumer runs: nothing here needs a lock beyond that confinement.
 */
public final class FileManifestSource implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FileManifestSource.class);
    static final Duration DEBOUNCE = Duration.ofMillis(50);

    private final Path path;
    private volatile Duration recheck;
    private final ManifestReader reader;
    private final Consumer<SourceSnapshot> sink;
    private final ScheduledExecutorService loop;
    private volatile Runnable onWatchEvent = () -> { };
    private volatile boolean strictPermissions;

    // confined to the loop thread
    private final Map<Path, Cached> cache = new HashMap<>();
    private final Set<String> namedOnce = new HashSet<>();
    private DirectoryWatcher watcher;
    private ScheduledFuture<?> pendingScan;
    private ScheduledFuture<?> periodic;
    private boolean missingReported;

    private record Cached(byte[] content, ParseResult result) {
    }

    public FileManifestSource(Path path, Duration recheck, ManifestReader reader, Consumer<SourceSnapshot> sink,
                              ScheduledExecutorService loop) {
        this.path = path.toAbsolutePath().normalize();
        this.recheck = recheck;
        this.reader = reader;
        this.sink = sink;
        this.loop = loop;
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
        } catch (RuntimeException e) {
            log.error("Scanning the static pod path failed; will retry at the next re-list path={} in={}",
                    path, recheck, e);
        }
    }

    /** Reads the path now. Runs on the loop thread. */
    SourceSnapshot scan() {
        if (!Files.exists(path)) {
            if (!missingReported) {
                log.warn("Static pod path does not exist; running no static pods from it until it appears path={}",
                        path);
                missingReported = true;
            }
            cache.clear();
            return new SourceSnapshot(List.of(), false);
        }
        missingReported = false;
        boolean strict = strictPermissions;
        String pathProblem = writableByOthers(path, strict);
        if (Files.isRegularFile(path)) {
            return new SourceSnapshot(List.of(pathProblem != null
                    ? ManifestFiles.invalid(path, ManifestFiles.strictRefusal("the manifest", path, pathProblem))
                    : read(path)), true);
        }
        List<Path> entries;
        try (Stream<Path> s = Files.list(path)) {
            entries = s.sorted().toList();
        } catch (IOException e) {
            log.error("Cannot list the static pod path; keeping the pods already known path={} error={}",
                    path, e.toString());
            throw new IllegalStateException("cannot list " + path, e);
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
        return new SourceSnapshot(results, true);
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
            return ManifestFiles.invalid(file, "cannot read the file: " + e.getMessage());
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

    private void ensureWatching() {
        if (watcher != null && !watcher.isClosed()) {
            return;
        }
        Path dir = Files.isDirectory(path) ? path : path.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return;
        }
        try {
            watcher = DirectoryWatcher.builder()
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
            watcher.watchAsync().whenComplete((v, e) -> {
                if (e != null) {
                    log.warn("Watch of static pod path ended; relying on the periodic re-list until it is back "
                            + "path={} every={} error={}", dir, recheck, e.toString());
                }
                loop.execute(() -> closeWatcher());
            });
        } catch (IOException | RuntimeException e) {
            log.warn("Cannot watch static pod path; relying on the periodic re-list path={} every={} error={}",
                    dir, recheck, e.toString());
            watcher = null;
        }
    }

    private void closeWatcher() {
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException ignored) {
                // closing a broken watch
            }
            watcher = null;
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
