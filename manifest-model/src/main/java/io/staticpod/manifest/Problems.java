package io.staticpod.manifest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects the errors and warnings of one manifest, each with the line of its field. Once a field has a type
 * error, later errors about it or its children are dropped: "must be a list" then "required" would be noise.
 */
final class Problems {
    private final Path file;
    private final SourceLines lines;
    private final List<ManifestProblem> errors = new ArrayList<>();
    private final List<ManifestProblem> warnings = new ArrayList<>();
    private final Set<String> mistyped = new HashSet<>();

    Problems(Path file, SourceLines lines) {
        this.file = file;
        this.lines = lines;
    }

    void error(String path, String message) {
        if (!isUnderMistyped(path)) {
            errors.add(new ManifestProblem(file, lines.lineOf(path), path, message));
        }
    }

    /** An error at an explicit line (syntax errors, where no field path applies). */
    void errorAt(int line, String path, String message) {
        errors.add(new ManifestProblem(file, line, path, message));
    }

    /** A value of the wrong type: reported once, and nothing more is said about this field. */
    void typeError(String path, String message) {
        error(path, message);
        mistyped.add(path);
    }

    void warn(String path, String message) {
        warnings.add(new ManifestProblem(file, lines.lineOf(path), path, message));
    }

    void warnAt(int line, String message) {
        warnings.add(new ManifestProblem(file, line, "", message));
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    List<ManifestProblem> errors() {
        return List.copyOf(errors);
    }

    List<ManifestProblem> warnings() {
        return List.copyOf(warnings);
    }

    private boolean isUnderMistyped(String path) {
        for (String p = path; ; p = SourceLines.parent(p)) {
            if (mistyped.contains(p)) {
                return true;
            }
            if (p.isEmpty()) {
                return false;
            }
        }
    }
}
