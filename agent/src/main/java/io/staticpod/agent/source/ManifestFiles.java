package io.staticpod.agent.source;

import io.staticpod.manifest.ManifestProblem;
import io.staticpod.manifest.ManifestReader;
import io.staticpod.manifest.ParseResult;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Which names in the static pod path are manifests, and how one is read. Like the kubelet, every non-hidden regular
 * file is read, whatever its extension (kops names its pods {@code *.manifest}); unlike the kubelet, editor and
 * package-manager leftovers are skipped, because a backup holding an older version of a pod must not replace it.
 *
 * <p>The one place for these rules: the agent's {@link FileManifestSource} and the {@code validate} command both use
 * it, so that {@code validate} says exactly what the agent would do.
 */
public final class ManifestFiles {
    private ManifestFiles() {
    }

    /** Files larger than this are refused without being read, as the kubelet's {@code maxConfigLength}. */
    public static final long MAX_SIZE = 10L * 1024 * 1024;

    private static final Pattern LEFTOVER = Pattern.compile(
            ".*~|.*\\.(swp|swx|tmp|bak|orig|dpkg-old|dpkg-new|dpkg-dist|rpmnew|rpmsave)|#.*#|[0-9]+");

    /** What an entry of the static pod path is to the agent. */
    public enum Kind {
        /** A regular file (or a link to one): read as a manifest. */
        MANIFEST(null),
        /** A dotfile: ignored silently, as the kubelet does. */
        HIDDEN(null),
        /** An editor or package-manager leftover: skipped and named once in the log. */
        LEFTOVER("Skipping editor or package-manager leftover in static pod path file={}"),
        /** Sub-directories are not recursed into. */
        DIRECTORY("Not recursing into sub-directory of static pod path dir={}"),
        /** A symbolic link whose target does not exist (or cannot be looked at). */
        DANGLING_LINK("Skipping symbolic link in static pod path whose target cannot be read (missing?) file={}"),
        /** FIFOs, devices, sockets are never opened. */
        SPECIAL("Skipping special file in static pod path (not a regular file) file={}"),
        /** Vanished between the listing and a look at it. */
        GONE(null);

        private final String logMessage;

        Kind(String logMessage) {
            this.logMessage = logMessage;
        }

        /** The log line naming a skipped entry once ({@code {}} is the path), or null when it is not named. */
        public String logMessage() {
            return logMessage;
        }
    }

    /** Hidden files are ignored silently, as the kubelet does. */
    static boolean isHidden(String name) {
        return name.startsWith(".");
    }

    /** Editor and package-manager leftovers: skipped and named once in the log. */
    static boolean isLeftover(String name) {
        return LEFTOVER.matcher(name).matches();
    }

    /**
     * What {@code file}, an entry of the static pod path, is. Symbolic links are followed: a link to a regular file is
     * a manifest (read from its target, named by the link), a link to a directory is not recursed into, a link whose
     * target is missing is skipped; the last two are named once in the log.
     */
    public static Kind classify(Path file) {
        Path name = file.getFileName();
        String n = name == null ? "" : name.toString();
        if (isHidden(n)) {
            return Kind.HIDDEN;
        }
        if (isLeftover(n)) {
            return Kind.LEFTOVER;
        }
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            return Files.isSymbolicLink(file) ? Kind.DANGLING_LINK : Kind.GONE;
        }
        if (attrs.isDirectory()) {
            return Kind.DIRECTORY;
        }
        return attrs.isRegularFile() ? Kind.MANIFEST : Kind.SPECIAL;
    }

    /** A file that cannot be a manifest because of its size; thrown by {@link #read}. */
    public static final class TooLarge extends IOException {
        TooLarge(String message) {
            super(message);
        }
    }

    /** How long a read may take before the file is given up on (see {@link #read}). */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    /** Opens and reads files off the caller's thread, so that a file that blocks cannot stall a scan. */
    private static final ExecutorService READERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "manifest-read");
        t.setDaemon(true);
        return t;
    });

    /**
     * The file's bytes, refused without reading when it is not a regular file or larger than {@link #MAX_SIZE}.
     *
     * <p>Special files: the attributes are checked again here (after {@link #classify}), and a FIFO, device or socket
     * is never opened. A regular file replaced by a FIFO between that check and the open (Java cannot open with
     * O_NONBLOCK) would block the open until some writer comes: the open and read therefore run on a helper thread,
     * and after {@link #READ_TIMEOUT} the file is reported as unreadable and the scan goes on. The helper thread stays
     * parked in that open until a writer opens the FIFO or the agent exits; the next scan sees a FIFO and skips it.
     *
     * @throws TooLarge when the file is (or grows while read) larger than the limit
     */
    public static byte[] read(Path file) throws IOException {
        BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
        if (!attrs.isRegularFile()) {
            throw new IOException("not a regular file (a directory, FIFO, device or socket): it is never opened");
        }
        if (attrs.size() > MAX_SIZE) {
            throw new TooLarge("file is " + attrs.size() + " bytes, larger than the limit of " + MAX_SIZE
                    + " bytes (10 MiB); it was not read");
        }
        return readWithin(file, READ_TIMEOUT);
    }

    /** Files whose read timed out and has not returned yet: not read again until it has (one parked thread each). */
    private static final Set<Path> STUCK = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Opens and reads {@code file} on a helper thread, giving up after {@code timeout}. */
    static byte[] readWithin(Path file, Duration timeout) throws IOException {
        if (!STUCK.add(file)) {
            throw new IOException("an earlier read of it has not returned yet (a FIFO, or a hung file system?);"
                    + " skipped until it does");
        }
        java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
        Future<byte[]> read = READERS.submit(() -> {
            started.set(true);
            try {
                return readBounded(file);
            } finally {
                STUCK.remove(file);
            }
        });
        try {
            return read.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            giveUp(read, started, file);
            throw new IOException("not read within " + timeout.toMillis() + " ms (a FIFO now, or a hung file"
                    + " system?); skipped until the next scan");
        } catch (InterruptedException e) {
            giveUp(read, started, file);
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while reading " + file);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        }
    }

    /** A read that never started is forgotten; one parked in open() stays in {@link #STUCK} until it returns. */
    private static void giveUp(Future<byte[]> read, java.util.concurrent.atomic.AtomicBoolean started, Path file) {
        if (read.cancel(true) && !started.get()) {
            STUCK.remove(file);
        }
    }

    private static byte[] readBounded(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) MAX_SIZE + 1);
            if (bytes.length > MAX_SIZE) {
                throw new TooLarge("file grew beyond the limit of " + MAX_SIZE + " bytes while read");
            }
            return bytes;
        }
    }

    /**
     * Who other than root can write {@code p} (a manifest, followed if a link, or the directory), as a phrase such as
     * {@code the group staff can write it (rw-rw-r--)}; null when only root can, or on a file system without POSIX
     * permissions. A manifest can run a privileged container with the host's root file system mounted: whoever can
     * write one is root on this node.
     */
    public static String writableByOthers(Path p) {
        PosixFileAttributes attrs;
        try {
            attrs = Files.readAttributes(p, PosixFileAttributes.class);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
        Set<PosixFilePermission> perms = attrs.permissions();
        String owner = attrs.owner().getName();
        String group = attrs.group().getName();
        List<String> who = new java.util.ArrayList<>();
        if (!owner.equals("root") && perms.contains(PosixFilePermission.OWNER_WRITE)) {
            who.add("its owner " + owner);
        }
        if (!group.equals("root") && perms.contains(PosixFilePermission.GROUP_WRITE)) {
            who.add("the group " + group);
        }
        if (perms.contains(PosixFilePermission.OTHERS_WRITE)) {
            who.add("everyone");
        }
        return who.isEmpty() ? null : String.join(" and ", who) + " can write it (owner " + owner + ", group " + group
                + ", mode " + PosixFilePermissions.toString(perms) + ")";
    }

    /** The error of a manifest refused in strict mode because {@code what} ({@code path}) is writable by others. */
    public static String strictRefusal(String what, Path path, String who) {
        return "refused by strictManifestPermissions: " + what + " " + path + " is writable by others than root: "
                + who + "; make it owned by root and not group- or world-writable (chown root:root, chmod go-w)";
    }

    /** Reads and parses one manifest file as the agent does, never throwing for a bad or unreadable file. */
    public static ParseResult readAndParse(Path file, ManifestReader reader) {
        try {
            return reader.parse(file, read(file));
        } catch (TooLarge e) {
            return invalid(file, e.getMessage());
        } catch (IOException e) {
            return invalid(file, "cannot read the file: " + e.getMessage());
        }
    }

    /** A result for a file that could not be read at all. */
    static ParseResult invalid(Path file, String message) {
        return new ParseResult.Invalid(file, List.of(new ManifestProblem(file, 0, "", message)), List.of());
    }
}
