package io.staticpod.agent.source;

import io.staticpod.manifest.ManifestProblem;
import io.staticpod.manifest.ManifestReader;
import io.staticpod.manifest.ParseResult;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
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

    /** What {@code file}, an entry of the static pod path, is; symbolic links are followed. */
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
            return Kind.GONE;
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

    /**
     * The file's bytes, refused without reading when larger than {@link #MAX_SIZE}.
     *
     * @throws TooLarge when the file is (or grows while read) larger than the limit
     */
    public static byte[] read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_SIZE) {
            throw new TooLarge("file is " + size + " bytes, larger than the limit of " + MAX_SIZE
                    + " bytes (10 MiB); it was not read");
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) MAX_SIZE + 1);
            if (bytes.length > MAX_SIZE) {
                throw new TooLarge("file grew beyond the limit of " + MAX_SIZE + " bytes while read");
            }
            return bytes;
        }
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
