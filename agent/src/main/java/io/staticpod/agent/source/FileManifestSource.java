package io.staticpod.agent.source;

import io.staticpod.agent.clock.MonotonicClock;
import io.staticpod.config.GoDuration;
import io.staticpod.manifest.ManifestReader;
import io.staticpod.manifest.ParseResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
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
 * <p>Assumptions and blind spots: changes are noticed through a directory watch (inotify, via directory-watcher), each
 * followed by a full re-scan (at once, at most one per {@link #DEBOUNCE}; a file gone is believed only after the
 * events settled), so a missed or coalesced event costs nothing;
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
 * <p>No file can stop a scan: each is read through a {@link WatchdogReader}, which gives up on one past its budget
 * (invalid then, and not read again until it changes); what the scan is on is in {@link #progress()}, so that a scan
 * stuck where no watchdog reaches (a hung file system under the listing) fails {@code /healthz} within seconds.
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
    private final WatchdogReader reads;
    private final ScanProgress progress;
    private final Consumer<SourceSnapshot> sink;
    private final ScheduledExecutorService loop;
    private final LongSupplier nanoTime;
    private volatile Runnable onWatchEvent = () -> { };
    private volatile boolean strictPermissions;

    // confined to the loop thread
    /** The last outcome of each file: unchanged bytes are not parsed again, a file given up is not read again. */
    private final Map<Path, WatchdogReader.Outcome> cache = new HashMap<>();
    private final Set<String> namedOnce = new HashSet<>();
    private final WritableWarnings writable = new WritableWarnings();
    private final PathWatch watch;
    private ScheduledFuture<?> pendingScan;
    private long lastScanBegan;
    private ScheduledFuture<?> periodic;
    private boolean missingReported;
    /** The last snapshot read from the path while it existed; re-sent while it is missing, for the grace. */
    private SourceSnapshot lastRead;
    /** The last snapshot handed to the sink. */
    private SourceSnapshot reported;
    /** When the path was first found missing ({@link #nanoTime}), or null while it exists. */
    private Long missingSince;
    /** Why the path could not be read, as last logged, or null while it can. */
    private String unreadable;

    /** The path could not be read; already logged. */
    private static final class Unreadable extends RuntimeException {
        Unreadable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public FileManifestSource(Path path, Duration recheck, ManifestReader reader, Consumer<SourceSnapshot> sink,
                              ScheduledExecutorService loop) {
        this(path, recheck, new WatchdogReader(reader::parse), sink, loop, System::nanoTime);
    }

    FileManifestSource(Path path, Duration recheck, WatchdogReader reads, Consumer<SourceSnapshot> sink,
                       ScheduledExecutorService loop, LongSupplier nanoTime) {
        this.path = path.toAbsolutePath().normalize();
        this.recheck = recheck;
        this.reads = reads;
        this.progress = ScanProgress.of(MonotonicClock.SYSTEM, reads);
        this.sink = sink;
        this.loop = loop;
        this.nanoTime = nanoTime;
        this.lastScanBegan = nanoTime.getAsLong() - DEBOUNCE.toNanos();
        this.watch = new PathWatch(this.path, loop, () -> {
            onWatchEvent.run();
            requestScan();
        }, () -> this.recheck);
    }

    /** What the scan is busy with, for {@code /healthz}. */
    public ScanProgress progress() {
        return progress;
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

    /** Asks for a re-scan: at once, or {@link #DEBOUNCE} after the last began (then one for all asked). Thread-safe. */
    public void requestScan() {
        loop.execute(() -> {
            if (pendingScan == null || pendingScan.isDone()) {
                long wait = Math.max(0, lastScanBegan + DEBOUNCE.toNanos() - nanoTime.getAsLong());
                pendingScan = loop.schedule(() -> scanAndReport(wait == 0), wait, TimeUnit.NANOSECONDS);
            }
        });
    }

    private void scanAndReport() {
        scanAndReport(false);
    }

    /** @param first at the first event after a quiet spell: a file gone then may be a directory being deleted or
     *  replaced file by file (rm -rf, an editor's rename), so it is believed only by a scan after the events settled */
    private void scanAndReport(boolean first) {
        lastScanBegan = nanoTime.getAsLong();
        try {
            watch.ensure();
            SourceSnapshot snapshot = scan();
            if (first && reported != null && !snapshot.files().containsAll(reported.files())) {
                lastRead = reported; // a grace keeps what was reported, not this read
                pendingScan = loop.schedule(() -> scanAndReport(false), DEBOUNCE.toNanos(), TimeUnit.NANOSECONDS);
            } else {
                reported = snapshot;
                sink.accept(snapshot);
            }
            if (watch.ensure()) { // the path changed during the scan (deleted, recreated): what came since is unseen
                requestScan();
            }
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
        progress.begin(path);
        try {
            return scanNow();
        } finally {
            progress.end();
        }
    }

    private SourceSnapshot scanNow() {
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
        String pathProblem = writable.check(path, strict);
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
            progress.begin(file);
            entry(file, pathProblem, strict, results, seen);
        }
        cache.keySet().retainAll(seen);
        return readable(results);
    }

    /** One entry of the directory: skipped (and named once), refused, or read into {@code results}. */
    private void entry(Path file, String pathProblem, boolean strict, List<ParseResult> results, Set<Path> seen) {
        ManifestFiles.Kind kind = ManifestFiles.classify(file);
        if (kind != ManifestFiles.Kind.MANIFEST) {
            if (kind.logMessage() != null) {
                once(file, kind.logMessage());
            }
            return;
        }
        seen.add(file);
        String fileProblem = writable.check(file, strict);
        if (pathProblem != null) {
            results.add(ManifestFiles.invalid(file, ManifestFiles.strictRefusal("the directory", path, pathProblem)));
        } else if (fileProblem != null) {
            results.add(ManifestFiles.invalid(file, ManifestFiles.strictRefusal("the manifest", file, fileProblem)));
        } else {
            results.add(read(file));
        }
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
        String why = ManifestFiles.describe(e, path);
        if (!why.equals(unreadable)) {
            log.error("Cannot read the static pod path; the static pods already known keep running until it is "
                    + "readable again path={} error=\"{}\"", path, why);
            unreadable = why;
        }
        return new Unreadable(why, e);
    }

    /**
     * Reads one file through the watchdog: parsed again only when its bytes changed, not read at all while it is
     * given up and unchanged. A give-up is said once here (its error goes with the file's result); too many stuck
     * reads are said by the health checks, which watch {@link #progress()}.
     */
    private ParseResult read(Path file) {
        WatchdogReader.Outcome previous = cache.get(file);
        WatchdogReader.Outcome outcome = reads.read(file, previous);
        cache.compute(file, (f, old) -> outcome.stamp() == null ? null : outcome);
        if (outcome.givenUp() && (previous == null || !previous.givenUp())) {
            log.warn("Gave up reading a static pod manifest within its budget; the scan goes on without it file={}"
                    + " budget={} stuckReads={}", file, GoDuration.format(reads.budget().perFile()), reads.stuck());
        }
        return outcome.result();
    }

    private void once(Path file, String message) {
        if (namedOnce.add(message + file)) {
            log.info(message, file);
        }
    }

    @Override
    public void close() {
        if (periodic != null) {
            periodic.cancel(false);
        }
        loop.execute(watch::close);
    }
}
