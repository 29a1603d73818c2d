package io.staticpod.manifest;

import java.nio.file.Path;
import java.util.List;

/** The outcome of reading one manifest file: a static pod, or every error found in it. */
public sealed interface ParseResult permits ParseResult.Parsed, ParseResult.Invalid {

    Path file();

    /** Non-fatal findings, such as unknown fields. */
    List<ManifestProblem> warnings();

    /** A valid manifest. */
    record Parsed(StaticPod pod, List<ManifestProblem> warnings) implements ParseResult {
        public Parsed {
            warnings = List.copyOf(warnings);
        }

        @Override
        public Path file() {
            return pod.file();
        }
    }

    /** An invalid manifest: at least one error, all of them listed. */
    record Invalid(Path file, List<ManifestProblem> errors, List<ManifestProblem> warnings) implements ParseResult {
        public Invalid {
            errors = List.copyOf(errors);
            warnings = List.copyOf(warnings);
            if (errors.isEmpty()) {
                throw new IllegalArgumentException("an invalid manifest has at least one error");
            }
        }
    }
}
