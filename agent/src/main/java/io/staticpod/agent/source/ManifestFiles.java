package io.staticpod.agent.source;

import io.staticpod.manifest.ManifestProblem;
import io.staticpod.manifest.ParseResult;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which names in the static pod path are manifests, and how one is read. Like the kubelet, every non-hidden regular
 * file is read, whatever its extension (kops names its pods {@code *.manifest}); unlike the kubelet, editor and
 * package-manager leftovers are skipped, because a backup holding an older version of a pod must not replace it.
 *
 * <p>The one place for these rules: the agent's {@link FileManifestSource} and the {@code validate} command both use
 * it, and both read through a {@link WatchdogReader}, so that {@code validate} says exactly what the agent would do.
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

    /** A file that cannot be a manifest because of its size, found while it was read. */
    public static final class TooLarge extends IOException {
        TooLarge(String message) {
            super(message);
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

    /**
     * Reads and parses one manifest file as the agent does ({@link WatchdogReader}, default budget), never throwing
     * and never blocking for longer than the budget, for a bad, unreadable or hostile file alike.
     */
    public static ParseResult readAndParse(Path file, WatchdogReader reads) {
        return reads.read(file, null).result();
    }

    /**
     * An I/O error on {@code subject} in words: Java's own message for these is often the bare path. Another file
     * the error is about (the target of a link) is named.
     */
    public static String describe(IOException e, Path subject) {
        if (e instanceof FileSystemException f && f.getReason() == null) {
            String what = e instanceof AccessDeniedException ? "permission denied"
                    : e instanceof NoSuchFileException ? "no such file" : e.getClass().getSimpleName();
            return subject.toString().equals(f.getFile()) || f.getFile() == null ? what : what + ": " + f.getFile();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** A result for a file that could not be read at all. */
    static ParseResult invalid(Path file, String message) {
        return new ParseResult.Invalid(file, List.of(new ManifestProblem(file, 0, "", message)), List.of());
    }
}
