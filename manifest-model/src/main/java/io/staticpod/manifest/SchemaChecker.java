package io.staticpod.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import io.staticpod.manifest.FieldType.ListOf;
import io.staticpod.manifest.FieldType.MapOf;
import io.staticpod.manifest.FieldType.Obj;
import io.staticpod.manifest.FieldType.Scalar;

import java.util.Map;

/**
 * Walks a manifest tree against {@link PodSchema}: a value of the wrong type is an error naming the expected
 * type; a field name the API does not have is a warning (the kubelet tolerates it, and so do we). A null value
 * counts as absent, as in the API.
 */
final class SchemaChecker {
    /** Hints for unknown names that people are known to write. */
    private static final Map<String, String> HINTS = Map.of(
            "Container.restartPolicy", " (only init containers have one; did you mean spec.restartPolicy?)",
            "Pod.metdata", " (did you mean metadata?)",
            "Container.environment", " (did you mean env?)",
            "Container.volumes", " (did you mean volumeMounts?)",
            "PodSpec.container", " (did you mean containers?)");

    private final Problems problems;

    private SchemaChecker(Problems problems) {
        this.problems = problems;
    }

    static void check(JsonNode root, Problems problems) {
        new SchemaChecker(problems).check(root, PodSchema.POD, "");
    }

    private void check(JsonNode node, FieldType type, String path) {
        if (type instanceof Scalar scalar) {
            if (!scalar.accepts(node)) {
                mistyped(node, type, path);
            }
        } else if (type instanceof Obj obj) {
            if (!node.isObject()) {
                mistyped(node, type, path);
                return;
            }
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String childPath = SourceLines.child(path, field.getKey());
                FieldType fieldType = obj.fields().get(field.getKey());
                if (fieldType == null) {
                    problems.warn(childPath, "unknown field, ignored"
                            + HINTS.getOrDefault(obj.name() + "." + field.getKey(), ""));
                } else if (!field.getValue().isNull()) {
                    check(field.getValue(), fieldType, childPath);
                }
            }
        } else if (type instanceof ListOf list) {
            if (!node.isArray()) {
                mistyped(node, type, path);
                return;
            }
            for (int i = 0; i < node.size(); i++) {
                check(node.get(i), list.element(), SourceLines.element(path, i));
            }
        } else if (type instanceof MapOf map) {
            if (!node.isObject()) {
                mistyped(node, type, path);
                return;
            }
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (!field.getValue().isNull()) {
                    check(field.getValue(), map.value(), SourceLines.child(path, field.getKey()));
                }
            }
        }
    }

    private void mistyped(JsonNode node, FieldType expected, String path) {
        if (SECRET_VALUE.matcher(path).find()) {
            // an environment variable's value may be a password: the message says what it is, not what it says
            problems.typeError(path, "must be " + expected.describe() + ", got " + describeKind(node)
                    + (node.isNumber() || node.isBoolean() ? " (quote it)" : ""));
            return;
        }
        problems.typeError(path, "must be " + expected.describe() + ", got " + describe(node) + hint(node, expected));
    }

    /** Fields whose values are never quoted in a message: environment variables' values. */
    private static final java.util.regex.Pattern SECRET_VALUE = java.util.regex.Pattern.compile("\\.env\\[\\d+]\\.value$");

    /** What a value is, without quoting it: {@code a string}, {@code a number}, {@code a list}… */
    static String describeKind(JsonNode node) {
        if (node.isTextual()) {
            return "a string";
        } else if (node.isNumber()) {
            return "a number";
        } else if (node.isBoolean()) {
            return "a boolean";
        }
        return describe(node);
    }

    static String describe(JsonNode node) {
        if (node.isTextual()) {
            return "the string \"" + abbreviate(node.asText()) + "\"";
        } else if (node.isNumber() || node.isBoolean()) {
            return node.asText();
        } else if (node.isArray()) {
            return "a list";
        } else if (node.isObject()) {
            return "an object";
        }
        return "null";
    }

    private static String hint(JsonNode node, FieldType expected) {
        if (expected == Scalar.QUANTITY && (node.isTextual() || node.isNumber())) {
            return " (" + io.staticpod.manifest.model.Quantity.problem(node.asText()) + ")";
        }
        if (expected == Scalar.STRING && (node.isNumber() || node.isBoolean())) {
            return " (quote it: " + Names.quote(node.asText()) + ")";
        }
        if (expected == Scalar.INT && node.isTextual() && node.asText().matches("-?\\d+")) {
            return " (remove the quotes)";
        }
        if (expected instanceof ListOf list && list.element() == Scalar.STRING && node.isTextual()) {
            return " (write a YAML list, e.g. [\"sh\", \"-c\", \"echo hi\"])";
        }
        if (expected instanceof ListOf && node.isObject()) {
            return " (start each item with \"- \")";
        }
        return "";
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
