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
    /** Longer field paths (made of the file's own keys) are shortened: a problem is one line of the log. */
    static final int FIELD_MAX = 200;

    /** Line breaks and other control characters, which a message quoting the file could carry, are escaped. */
    public ManifestProblem {
        field = field == null ? "" : oneLine(field.length() <= FIELD_MAX ? field : field.substring(0, FIELD_MAX) + "…");
        message = oneLine(message);
    }

    private static String oneLine(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = Character.isISOControl(c) || c == 0x2028 || c == 0x2029;
            if (control && b == null) {
                b = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            if (b != null) {
                b.append(!control ? String.valueOf(c) : c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t"
                        : String.format("\\u%04x", (int) c));
            }
        }
        return b == null ? s : b.toString();
    }

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
