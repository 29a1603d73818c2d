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
 * <p>File modes are not range-checked: the YAML 1.2 reader takes {@code 0644} as decimal 644, where kubectl's
 * YAML 1.1 takes it as octal (420), so a check would refuse manifests that work everywhere else.
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
}
