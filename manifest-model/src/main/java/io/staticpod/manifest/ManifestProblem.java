package io.staticpod.manifest;

import java.nio.file.Path;

/**
 * One problem found in a manifest file: where it is and what to do about it.
 *
 * @param file    the manifest file
 * @param line    1-based line in the file, or 0 when the problem is not tied to a line
 * @param field   the field path, e.g. {@code spec.containers[0].image}, or empty for the whole file
 * @param message what is wrong, and what would be valid
 */
public record ManifestProblem(Path file, int line, String field, String message) {

    /** {@code /etc/kubernetes/manifests/etcd.yaml:14: spec.containers[0].image: required} */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder().append(file);
        if (line > 0) {
            b.append(':').append(line);
        }
        b.append(": ");
        if (field != null && !field.isEmpty()) {
            b.append(field).append(": ");
        }
        return b.append(message).toString();
    }
}
