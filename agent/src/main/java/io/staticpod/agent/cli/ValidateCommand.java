package io.staticpod.agent.cli;

import io.staticpod.agent.source.ManifestFiles;
import io.staticpod.agent.source.WatchdogReader;
import io.staticpod.config.ConfigException;
import io.staticpod.config.ConfigLoader;
import io.staticpod.manifest.ManifestProblem;
import io.staticpod.manifest.ManifestReader;
import io.staticpod.manifest.ParseResult;
import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code validate FILE|DIR...}: checks manifests exactly as the agent would, with the same {@link ManifestReader}
 * (defaults, validation, static pod rules), the same node name ({@code --hostname-override}, else this host's
 * name), and for a directory the same rules as the agent's source ({@link ManifestFiles}: dotfiles, leftovers,
 * sub-directories, links, special files, size) and the same duplicate rule (the first file in sorted order wins).
 * With {@code --strict-manifest-permissions}, files (or a directory) that anyone but root can write are refused as
 * the agent refuses them in strict mode; without it, they are warnings. Each file is read and parsed under the agent's
 * budget ({@link WatchdogReader}): a file that would take longer is reported as the agent reports it, and the command
 * goes on with the next one and returns.
 *
 * <p>Prints each problem as {@code file:line: field: message}, each warning the same with {@code warning:} before
 * the message, one line per valid file, and a summary. Exit code: 1 when any error was found, 0 otherwise, 2 for a
 * wrong command line.
 */
final class ValidateCommand {
    private final PrintStream out;
    private final PrintStream err;
    private int files;
    private int valid;
    private int invalid;
    private int skipped;
    private int errors;
    private int warnings;
    private boolean strict;
    /** Reads and parses as the agent's source does: one file at a time under the watchdog, whatever the file. */
    private WatchdogReader reads;

    ValidateCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] args) {
        String hostname = null;
        List<Path> paths = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--hostname-override") && i + 1 < args.length) {
                hostname = args[++i];
            } else if (a.startsWith("--hostname-override=")) {
                hostname = a.substring(a.indexOf('=') + 1);
            } else if (a.equals("--strict-manifest-permissions") || a.equals("--strict-manifest-permissions=true")) {
                strict = true;
            } else if (a.equals("--strict-manifest-permissions=false")) {
                strict = false;
            } else if (a.equals("--help") || a.equals("-h")) {
                out.println(Commands.USAGE_TEXT);
                return Commands.OK;
            } else if (a.startsWith("-") && !a.equals("-")) {
                return Commands.usage(err, "validate: unknown flag " + a);
            } else {
                paths.add(Path.of(a));
            }
        }
        if (paths.isEmpty()) {
            return Commands.usage(err, "validate: name at least one manifest file or directory");
        }
        String node;
        try {
            node = nodeName(hostname);
        } catch (ConfigException e) {
            e.errors().forEach(m -> err.println("static-pod-agent: validate: " + m));
            return Commands.USAGE;
        }
        ManifestReader reader = new ManifestReader(node);
        reads = new WatchdogReader(reader::parse);
        for (Path p : paths) {
            Path path = p.toAbsolutePath().normalize();
            if (Files.isDirectory(path)) {
                directory(path, reader);
            } else if (Files.exists(path)) {
                explicitFile(path, reader);
            } else {
                files++;
                invalid++;
                errors++;
                out.println(path + ": no such file or directory");
            }
        }
        out.println(summary(node));
        return errors > 0 ? Commands.PROBLEMS : Commands.OK;
    }

    /** The node name as the agent would take it (lowercased, checked as a DNS-1123 subdomain). */
    private static String nodeName(String hostname) throws ConfigException {
        List<String> args = new ArrayList<>(List.of("--pod-manifest-path", "/"));
        if (hostname != null) {
            args.add("--hostname-override");
            args.add(hostname);
        }
        ConfigLoader.Outcome outcome = ConfigLoader.load(args.toArray(String[]::new));
        return ((ConfigLoader.Outcome.Run) outcome).config().nodeName();
    }

    /** Every entry of a directory, as the agent's source reads it: sorted, not recursed, with its skip rules. */
    private void directory(Path dir, ManifestReader reader) {
        List<Path> entries;
        try (Stream<Path> s = Files.list(dir)) {
            entries = s.sorted().toList();
        } catch (IOException e) {
            files++;
            invalid++;
            errors++;
            out.println(dir + ": cannot list the directory: " + e.getMessage());
            return;
        }
        Map<PodKey, Path> owner = new HashMap<>();
        String dirProblem = writable(dir, "the directory", dir);
        for (Path file : entries) {
            ManifestFiles.Kind kind = ManifestFiles.classify(file);
            switch (kind) {
                case MANIFEST -> {
                    if (dirProblem != null) {
                        refuse(file, dirProblem);
                        continue;
                    }
                    StaticPod pod = check(file, reader);
                    if (pod != null) {
                        Path first = owner.putIfAbsent(pod.key(), file);
                        if (first != null) {
                            errors++;
                            valid--;
                            invalid++;
                            out.println(file + ": metadata.name: duplicate static pod " + pod.key() + ": " + first
                                    + " defines it first (sorted order), so the agent ignores this file");
                        }
                    }
                }
                case LEFTOVER -> skip(file, "skipped: an editor or package-manager leftover, the agent does not read it");
                case DIRECTORY -> skip(file, "skipped: a sub-directory, the agent does not recurse");
                case SPECIAL -> skip(file, "skipped: not a regular file, the agent never opens it");
                case DANGLING_LINK -> skip(file, "skipped: a symbolic link whose target cannot be read");
                case HIDDEN, GONE -> {
                    // the agent ignores dotfiles silently
                }
            }
        }
    }

    private void skip(Path file, String why) {
        skipped++;
        out.println(file + ": " + why);
    }

    /** A file named on the command line: checked whatever its name, with a warning when the agent would skip it. */
    private void explicitFile(Path file, ManifestReader reader) {
        ManifestFiles.Kind kind = ManifestFiles.classify(file);
        if (kind == ManifestFiles.Kind.HIDDEN || kind == ManifestFiles.Kind.LEFTOVER) {
            warnings++;
            out.println(file + ": warning: the agent does not read a file of this name in its static pod path ("
                    + (kind == ManifestFiles.Kind.HIDDEN ? "a dotfile" : "an editor or package-manager leftover")
                    + "); give it another name");
        } else if (kind == ManifestFiles.Kind.SPECIAL) {
            skip(file, "skipped: not a regular file, the agent never opens it");
            return;
        }
        check(file, reader);
    }

    /**
     * As the agent: who but root can write {@code p} is a warning, or with --strict-manifest-permissions the refusal
     * (returned) of the files it covers.
     */
    private String writable(Path p, String what, Path shown) {
        String who = ManifestFiles.writableByOthers(p);
        if (who == null) {
            return null;
        }
        if (strict) {
            return ManifestFiles.strictRefusal(what, shown, who);
        }
        warnings++;
        out.println(shown + ": warning: writable by others than root: " + who + "; whoever can write it can run"
                + " privileged containers on this node (the agent refuses it with --strict-manifest-permissions)");
        return null;
    }

    private void refuse(Path file, String message) {
        files++;
        invalid++;
        errors++;
        out.println(file + ": " + message);
    }

    private StaticPod check(Path file, ManifestReader reader) {
        String refusal = writable(file, "the manifest", file);
        if (refusal != null) {
            refuse(file, refusal);
            return null;
        }
        files++;
        ParseResult result = ManifestFiles.readAndParse(file, reads);
        for (ManifestProblem w : result.warnings()) {
            warnings++;
            out.println(warning(w));
        }
        if (result instanceof ParseResult.Invalid bad) {
            invalid++;
            errors += bad.errors().size();
            bad.errors().forEach(e -> out.println(e));
            return null;
        }
        StaticPod pod = ((ParseResult.Parsed) result).pod();
        valid++;
        out.println(file + ": ok: static pod " + pod.key() + " uid=" + pod.uid());
        return pod;
    }

    private static String warning(ManifestProblem w) {
        return new ManifestProblem(w.file(), w.line(), w.field(), "warning: " + w.message()).toString();
    }

    private String summary(String node) {
        return files + (files == 1 ? " file" : " files") + " checked for node " + node + ": " + valid + " valid, "
                + invalid + " invalid, " + errors + (errors == 1 ? " error" : " errors") + ", " + warnings
                + (warnings == 1 ? " warning" : " warnings") + (skipped > 0 ? ", " + skipped + " skipped" : "");
    }
}
