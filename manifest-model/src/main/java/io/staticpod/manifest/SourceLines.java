package io.staticpod.manifest;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where each field of a manifest appears: field path (e.g. {@code spec.containers[0].image}) to its 1-based line.
 * A field that is absent takes the line of its nearest present parent, so that "required" errors point at the
 * object that lacks the field.
 */
final class SourceLines {
    private static final Pattern SIMPLE_KEY = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$-]*");

    private final Map<String, Integer> lines = new HashMap<>();

    /** The path of field {@code key} of the object at {@code parent}: {@code a.b}, or {@code a[k.8s.io/x]}. */
    static String child(String parent, String key) {
        if (!SIMPLE_KEY.matcher(key).matches()) {
            return parent + "[" + key + "]";
        }
        return parent.isEmpty() ? key : parent + "." + key;
    }

    /** The path of element {@code index} of the list at {@code parent}. */
    static String element(String parent, int index) {
        return parent + "[" + index + "]";
    }

    /** The parent path of {@code path}, or "" for a top-level field. */
    static String parent(String path) {
        if (path.endsWith("]")) {
            int open = path.lastIndexOf('[');
            return open <= 0 ? "" : path.substring(0, open);
        }
        int dot = path.lastIndexOf('.');
        return dot < 0 ? "" : path.substring(0, dot);
    }

    void put(String path, int line) {
        lines.putIfAbsent(path, line);
    }

    /** The line of {@code path}, or of its nearest recorded parent; 1 when nothing is known. */
    int lineOf(String path) {
        String p = path == null ? "" : path;
        while (true) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            if (p.isEmpty()) {
                return 1;
            }
            p = parent(p);
        }
    }

    /** The line of {@code path} only if it was itself recorded, else 0. */
    int exactLineOf(String path) {
        return lines.getOrDefault(path, 0);
    }
}
