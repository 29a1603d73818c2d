package io.staticpod.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import io.staticpod.manifest.model.Quantity;

import java.util.LinkedHashMap;
import java.util.Map;

/** The shape a field of the Pod schema expects; see {@link PodSchema}. */
sealed interface FieldType permits FieldType.Scalar, FieldType.Obj, FieldType.ListOf, FieldType.MapOf {

    /** What a reader is told is expected, e.g. "a list of strings". */
    String describe();

    enum Scalar implements FieldType {
        STRING("a string"),
        INT("an integer"),
        BOOL("true or false"),
        INT_OR_STRING("an integer or a string"),
        QUANTITY("a quantity such as 100m, 64Mi or 2"),
        /** An object whose fields we neither act on nor check (affinity, …). */
        ANY_OBJECT("an object"),
        ANY("any value");

        private final String description;

        Scalar(String description) {
            this.description = description;
        }

        @Override
        public String describe() {
            return description;
        }

        boolean accepts(JsonNode n) {
            return switch (this) {
                case STRING -> n.isTextual();
                case INT -> n.isIntegralNumber();
                case BOOL -> n.isBoolean();
                case INT_OR_STRING -> n.isIntegralNumber() || n.isTextual();
                // a number that is not finite was reported by the reader already
                case QUANTITY -> (n.isFloatingPointNumber() && !Double.isFinite(n.doubleValue()))
                        || ((n.isTextual() || n.isNumber()) && Quantity.problem(n.asText()) == null);
                case ANY_OBJECT -> n.isObject();
                case ANY -> true;
            };
        }
    }

    /** An object of the v1 API with a closed set of field names. */
    record Obj(String name, Map<String, FieldType> fields) implements FieldType {
        /** {@code of("Probe", "exec", EXEC, "periodSeconds", INT, …)}: name/type pairs. */
        static Obj of(String name, Object... pairs) {
            Map<String, FieldType> fields = new LinkedHashMap<>();
            for (int i = 0; i < pairs.length; i += 2) {
                fields.put((String) pairs[i], (FieldType) pairs[i + 1]);
            }
            return new Obj(name, Map.copyOf(fields));
        }

        Obj with(String name, Object... pairs) {
            Map<String, FieldType> all = new LinkedHashMap<>(fields);
            all.putAll(of(name, pairs).fields());
            return new Obj(name, Map.copyOf(all));
        }

        @Override
        public String describe() {
            return "an object (" + name + ")";
        }
    }

    record ListOf(FieldType element) implements FieldType {
        @Override
        public String describe() {
            if (element instanceof Obj) {
                return "a list of objects";
            }
            return "a list of " + element.describe().replaceFirst("^an? ", "") + "s";
        }
    }

    record MapOf(FieldType value) implements FieldType {
        @Override
        public String describe() {
            if (value == Scalar.QUANTITY) {
                return "a map of resource names to quantities such as 100m or 64Mi";
            }
            return "a map of names to " + value.describe().replaceFirst("^an? ", "") + "s";
        }
    }
}
