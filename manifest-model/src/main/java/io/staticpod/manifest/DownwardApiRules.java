package io.staticpod.manifest;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

import static io.staticpod.manifest.PodValidator.list;
import static io.staticpod.manifest.PodValidator.text;
import static io.staticpod.manifest.PodValidator.unsupported;

/**
 * The API server's rules for the downward API: the field paths an environment variable or a downwardAPI volume may
 * read, and a volume's items (a relative path, one source). Resource references are checked by
 * {@link ResourceRules}.
 *
 * <p>File modes ({@code defaultMode}, an item's {@code mode}) must lie between 0 and 0777 as in the API; the reader
 * takes {@code 0644} as octal (420) as Kubernetes' YAML 1.1 does, so the modes people write pass.
 */
final class DownwardApiRules {
    /** What {@code valueFrom.fieldRef} may read (besides a subscripted label or annotation). */
    static final List<String> ENV_FIELDS = List.of("metadata.name", "metadata.namespace", "metadata.uid",
            "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP",
            "status.podIPs");
    /** What a downwardAPI volume item's {@code fieldRef} may read (besides a subscripted label or annotation). */
    static final List<String> VOLUME_FIELDS = List.of("metadata.name", "metadata.namespace", "metadata.uid",
            "metadata.labels", "metadata.annotations");
    private static final java.util.regex.Pattern SUBSCRIPT =
            java.util.regex.Pattern.compile("metadata\\.(labels|annotations)\\['[^']+']");

    /** The largest file mode the API accepts: {@code 0777}. */
    static final int MAX_MODE = 0777;

    private final Problems problems;
    private final ResourceRules resources;

    DownwardApiRules(Problems problems, ResourceRules resources) {
        this.problems = problems;
        this.resources = resources;
    }

    /** A {@code fieldRef} at {@code path} whose {@code fieldPath} is present (its absence is reported elsewhere). */
    void checkFieldRef(JsonNode ref, String path, boolean inVolume) {
        String field = text(ref, "fieldPath");
        List<String> valid = inVolume ? VOLUME_FIELDS : ENV_FIELDS;
        if (field != null && !field.isEmpty() && !valid.contains(field) && !SUBSCRIPT.matcher(field).matches()) {
            problems.error(path + ".fieldPath", unsupported(field, valid) + ", or metadata.labels['<key>'] or"
                    + " metadata.annotations['<key>']");
        }
        String apiVersion = text(ref, "apiVersion");
        if (apiVersion != null && !apiVersion.isEmpty() && !apiVersion.equals("v1")) {
            problems.error(path + ".apiVersion", unsupported(apiVersion, List.of("v1")));
        }
    }

    /** A {@code downwardAPI} volume source at {@code path}. */
    void checkVolume(JsonNode source, String path) {
        checkMode(source, "defaultMode", path);
        JsonNode items = list(source, "items");
        for (int i = 0; i < items.size(); i++) {
            String p = path + ".items[" + i + "]";
            JsonNode item = items.get(i);
            String file = text(item, "path");
            if (file == null || file.isEmpty()) {
                problems.error(p + ".path", "required");
            } else if (file.startsWith("/") || List.of(file.split("/")).contains("..")) {
                problems.error(p + ".path", Names.invalid(file) + ": must be a relative path without '..'");
            }
            checkMode(item, "mode", p);
            boolean field = item.hasNonNull("fieldRef");
            boolean resource = item.hasNonNull("resourceFieldRef");
            if (field == resource) {
                problems.error(p, "must specify exactly one of fieldRef or resourceFieldRef");
            } else if (field) {
                if (text(item.get("fieldRef"), "fieldPath") == null) {
                    problems.error(p + ".fieldRef.fieldPath", "required, e.g. metadata.labels");
                }
                checkFieldRef(item.get("fieldRef"), p + ".fieldRef", true);
            } else {
                if (text(item.get("resourceFieldRef"), "resource") == null) {
                    problems.error(p + ".resourceFieldRef.resource", "required, e.g. limits.memory");
                }
                resources.checkFieldRef(item.get("resourceFieldRef"), p + ".resourceFieldRef", true);
            }
        }
    }

    /** A file mode, when set, as the API checks it: 0 to 0777 (511), both inclusive. */
    private void checkMode(JsonNode parent, String name, String path) {
        JsonNode mode = parent.get(name);
        if (mode != null && mode.isIntegralNumber()
                && (!mode.canConvertToInt() || mode.intValue() < 0 || mode.intValue() > MAX_MODE)) {
            problems.error(path + "." + name, "must be a number between 0 and 0777 (octal), both inclusive, such as "
                    + "0644 (read as octal, as by kubectl) or 420; got " + mode.asText());
        }
    }
}
