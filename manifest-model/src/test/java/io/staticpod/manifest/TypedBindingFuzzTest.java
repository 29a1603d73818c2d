package io.staticpod.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The binder trusts validation: every value it turns into a record (an enum, a quantity, a reference) was checked
 * first. Every value of a manifest that sets every typed field is replaced, one at a time, by a word no enum has
 * ({@code "x"}), a negative number, null, and one value drawn (seeded) from values of every type and shape;
 * whatever comes out, the reader answers with a pod or with errors, never with an internal failure.
 */
class TypedBindingFuzzTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final long SEED = Long.getLong("fuzz.seed", 14);

    private static final List<JsonNode> VALUES = List.of(F.textNode(""), F.textNode("x"), F.textNode("Memory"),
            F.textNode("-1"), F.textNode("1.5.5"), F.textNode("64mi"), F.textNode("1e999999999"), F.textNode("None"),
            F.textNode("Localhost"), F.textNode("limits.cpu"), F.textNode("metadata.name"), F.textNode("/abs"),
            F.textNode("HugePages-2Mi"), F.textNode("FallbackToLogsOnError"), F.numberNode(-1), F.numberNode(0),
            F.numberNode(1), F.numberNode(0.5), F.numberNode(1e30), F.booleanNode(true), F.booleanNode(false),
            F.nullNode(), F.objectNode(), F.arrayNode(), F.objectNode().put("type", "Localhost"),
            F.objectNode().put("resource", "limits.memory").put("divisor", "1m"),
            F.objectNode().put("fieldPath", "status.podIP"), F.arrayNode().add("a").add(1));

    @Test
    void noValueReplacedInATypedManifestMakesTheReaderFail() throws IOException {
        ObjectNode original = (ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                TestManifests.parsed(Files.readString(Path.of("src", "test", "resources", "hash-manifests",
                        "every-field.yaml"))).tree().toJson());
        ManifestReader reader = new ManifestReader(TestManifests.NODE);
        Random random = new Random(SEED);
        int slots = slots(original).size();
        int parsed = 0;
        int tried = 0;
        for (int slot = 0; slot < slots; slot++) {
            for (JsonNode value : List.of(F.textNode("x"), F.numberNode(-1), F.nullNode(),
                    VALUES.get(random.nextInt(VALUES.size())))) {
                ObjectNode mutated = original.deepCopy();
                slots(mutated).get(slot).set(value.deepCopy());
                ParseResult result = reader.parse(TestManifests.FILE,
                        mutated.toString().getBytes(StandardCharsets.UTF_8));
                tried++;
                if (result instanceof ParseResult.Invalid invalid) {
                    assertThat(invalid.errors()).as("seed %d: %s", SEED, mutated).allSatisfy(e ->
                            assertThat(e.message()).doesNotContain("please report this as a bug"));
                } else {
                    parsed++;
                }
            }
        }
        assertThat(slots).isGreaterThan(150);
        // not every replacement is an error: binding was exercised on odd but valid values too
        assertThat(parsed).isGreaterThan(tried / 20);
    }

    /** Where a value can be replaced: each field of each object and each element of each list, in document order. */
    private record Slot(JsonNode parent, String field, int index) {
        void set(JsonNode value) {
            if (parent instanceof ObjectNode object) {
                object.set(field, value);
            } else {
                ((ArrayNode) parent).set(index, value);
            }
        }
    }

    private static List<Slot> slots(JsonNode root) {
        List<Slot> out = new ArrayList<>();
        collect(root, out);
        return out;
    }

    private static void collect(JsonNode node, List<Slot> out) {
        if (node instanceof ObjectNode object) {
            object.fieldNames().forEachRemaining(name -> {
                out.add(new Slot(object, name, -1));
                collect(object.get(name), out);
            });
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                out.add(new Slot(array, null, i));
                collect(array.get(i), out);
            }
        }
    }
}
