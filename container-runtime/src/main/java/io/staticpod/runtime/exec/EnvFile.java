package io.staticpod.runtime.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A temporary {@code --env-file} for {@code docker run} or {@code ctr run}, so that a container's environment values
 * stay off the CLI's command line (readable by every local user in {@code /proc/<pid>/cmdline}) and out of every
 * log: one {@code NAME=VALUE} line per variable, UTF-8, in a file created {@code 0600} inside a directory created
 * {@code 0700} (both under {@code java.io.tmpdir}, both owned by the agent's user), deleted by {@link #close()} right
 * after the command. Should the agent die in between, the file stays behind readable by its owner only.
 *
 * <p>Both CLIs read the file with Go's {@code bufio.Scanner}: a line ends at {@code \n}, a {@code \r} before it is
 * dropped, and a line longer than 64 KiB is an error. So a variable fits a line ({@link #fits}) only when its value
 * holds no {@code \n}, does not end with {@code \r}, and the line is shorter than {@value #MAX_LINE_BYTES} bytes;
 * the caller passes the others another way.
 */
public final class EnvFile implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EnvFile.class);

    /** Well below bufio.Scanner's 64 KiB limit on a line. */
    public static final int MAX_LINE_BYTES = 60_000;

    private final Path dir;
    private final Path file;

    private EnvFile(Path dir, Path file) {
        this.dir = dir;
        this.file = file;
    }

    /**
     * True when {@code NAME=VALUE} can be one line of an env file that docker and ctr read back unchanged: a name
     * that is non-empty, has no {@code =}, no white space and does not start with {@code #} (docker skips comment
     * lines and rejects names with spaces; no valid Kubernetes name does either), and a value as described above.
     * A NUL anywhere never fits (no process can be given one either).
     */
    public static boolean fits(String name, String value) {
        if (name.isEmpty() || name.startsWith("#") || name.indexOf('=') >= 0
                || name.chars().anyMatch(c -> Character.isWhitespace(c) || c == 0)) {
            return false;
        }
        if (value.indexOf('\n') >= 0 || value.endsWith("\r") || value.indexOf('\0') >= 0) {
            return false;
        }
        return (name + "=" + value).getBytes(StandardCharsets.UTF_8).length < MAX_LINE_BYTES;
    }

    /** Writes {@code lines} (each {@code NAME=VALUE} that {@link #fits}) to a new private file. */
    public static EnvFile write(List<String> lines) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("static-pod-agent-env-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path file = Files.createFile(dir.resolve("env"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            EnvFile envFile = new EnvFile(dir, file);
            try {
                StringBuilder text = new StringBuilder();
                lines.forEach(line -> text.append(line).append('\n'));
                Files.writeString(file, text, StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                envFile.close();
                throw e;
            }
            return envFile;
        } catch (IOException e) {
            if (dir != null) {
                try {
                    Files.deleteIfExists(dir);
                } catch (IOException ignored) {
                    // nothing was written into it, or close() reported it
                }
            }
            throw new UncheckedIOException("cannot write a private env file for a container under "
                    + System.getProperty("java.io.tmpdir") + ": " + e.getMessage(), e);
        }
    }

    /** The file, for {@code --env-file}. */
    public Path path() {
        return file;
    }

    /** Deletes the file and its directory; a failure is logged (the command itself did run). */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            log.warn("Cannot delete a private env file; it stays readable by its owner only path={} error={}",
                    file, e.toString());
        }
    }
}
