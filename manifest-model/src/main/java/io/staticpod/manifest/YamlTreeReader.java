package io.staticpod.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.snakeyaml.engine.v2.api.ConstructNode;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;
import org.snakeyaml.engine.v2.schema.CoreSchema;

import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a manifest's text into a Jackson tree, recording the line of every field. YAML 1.2 core schema (JSON is
 * YAML), first document only. Safe limits: at most {@value #MAX_DEPTH} levels of nesting and
 * {@value #MAX_ALIASES} aliases to collections, none inside what it names (checked on the event stream by
 * {@link YamlPrescan}, before the recursive composer runs), {@value #MAX_VALUES} values after alias expansion,
 * {@value #MAX_CODE_POINTS} code points; duplicate keys are errors. Whatever these miss is bounded by the
 * {@link ParseBudget} of the read, counted by a {@link WorkMeter}.
 */
final class YamlTreeReader {
    static final int MAX_DEPTH = 100;
    static final int MAX_ALIASES = 50;
    static final int MAX_VALUES = 1_000_000;
    static final int MAX_CODE_POINTS = 10 * 1024 * 1024;

    private static final LoadSettings SETTINGS = settings(1024);

    /**
     * The reader's window is as large as the text: with the default window (1 KiB) snakeyaml-engine copies its
     * whole buffer for every KiB of a long scalar, which is quadratic (minutes and hundreds of GiB of garbage for a
     * 10 MiB string); read in one piece, the cost is linear.
     */
    private static LoadSettings settings(int bufferSize) {
        return LoadSettings.builder()
            .setBufferSize(bufferSize)
            .setSchema(new CoreSchema())
            .setAllowDuplicateKeys(false)
            .setAllowRecursiveKeys(false)
            .setMaxAliasesForCollections(MAX_ALIASES)
            .setCodePointLimit(MAX_CODE_POINTS)
            .setUseMarks(true)
            .build();
    }

    /** A problem that ends reading: the tree cannot be built. */
    static final class Stop extends RuntimeException {
        final int line;
        final String field;

        Stop(int line, String message) {
            this(line, "", message);
        }

        Stop(int line, String field, String message) {
            super(message, null, false, false);
            this.line = line;
            this.field = field;
        }
    }

    /**
     * An integer with a leading zero ({@code 0644}, {@code -017}): octal in YAML 1.1, which Kubernetes' YAML reader
     * (and so kubectl and the kubelet) speaks, decimal in YAML 1.2's core schema. Read as the kubelet reads it, so
     * that {@code defaultMode: 0644} is 420 ({@code rw-r--r--}), not 644. {@code 08} and {@code 09} are not octal
     * and stay decimal, as there.
     */
    private static final java.util.regex.Pattern YAML_11_OCTAL = java.util.regex.Pattern.compile("[-+]?0[0-7]+");

    private final SourceLines lines;
    private final Problems problems;
    private final WorkMeter meter;
    private final Map<Tag, ConstructNode> constructors = SETTINGS.getSchema().getSchemaTagConstructors();
    private int values;

    private YamlTreeReader(SourceLines lines, Problems problems, WorkMeter meter) {
        this.lines = lines;
        this.problems = problems;
        this.meter = meter;
    }

    static LoadSettings settingsFor(String text) {
        return text.length() < 1024 ? SETTINGS : settings(text.length() + 1);
    }

    /**
     * The first document as a tree, or null when it cannot be read (the reason is in {@code problems}). Every event
     * pulled from the parser, every merge and every value built is a step of {@code meter}: no loop, ours or the
     * library's, runs past the budget.
     */
    static JsonNode read(String text, SourceLines lines, Problems problems, WorkMeter meter) {
        YamlTreeReader reader = new YamlTreeReader(lines, problems, meter);
        try {
            if (!YamlPrescan.check(parser(text, meter), problems)) {
                problems.errorAt(1, "", "empty manifest: expected one Pod (apiVersion: v1, kind: Pod)");
                return null;
            }
            Composer composer = new MeteredComposer(settingsFor(text), parser(text, meter), meter);
            if (!composer.hasNext()) {
                problems.errorAt(1, "", "empty manifest: expected one Pod (apiVersion: v1, kind: Pod)");
                return null;
            }
            Node root = composer.next();
            return reader.convert(root, "", 0);
        } catch (Stop e) {
            problems.errorAt(e.line, e.field, e.getMessage());
        } catch (WorkMeter.Exhausted e) {
            problems.errorAt(e.line, "", e.getMessage());
        } catch (MarkedYamlEngineException e) {
            problems.errorAt(line(e), "", "invalid YAML: " + describe(e));
        } catch (YamlEngineException e) {
            problems.errorAt(0, "", "invalid YAML: " + scrub(e.getMessage()));
        } catch (NumberFormatException e) {
            // snakeyaml-engine 2.10 parses an escape or a %YAML version cut short by the end of the text as a number
            problems.errorAt(meter.line(), "", "invalid YAML after this line: an escape sequence (\\xNN, \\uNNNN) or"
                    + " a %YAML version is cut short; complete it or remove it");
        }
        return null;
    }

    private static Parser parser(String text, WorkMeter meter) {
        LoadSettings settings = settingsFor(text);
        return new MeteredParser(new ParserImpl(settings, new StreamReader(settings, text)), meter);
    }

    private JsonNode convert(Node node, String path, int depth) {
        meter.step(1, node.getStartMark());
        if (++values > MAX_VALUES) {
            throw new Stop(line(node), "more than " + MAX_VALUES + " values once aliases are expanded; refusing");
        }
        if (depth > MAX_DEPTH) {
            throw new Stop(line(node), "nested more than " + MAX_DEPTH + " levels deep (through aliases); refusing");
        }
        if (node instanceof MappingNode mapping) {
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            for (NodeTuple tuple : mapping.getValue()) {
                if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
                    throw new Stop(line(tuple.getKeyNode()), "a key must be a plain value such as a field name");
                }
                String key = keyNode.getValue();
                String childPath = SourceLines.child(path, key);
                if (object.has(key)) {
                    problems.errorAt(line(keyNode), childPath, "duplicate key " + Names.quote(key) + " (first at line "
                            + lines.exactLineOf(childPath) + "): remove one");
                    continue;
                }
                lines.put(childPath, line(keyNode));
                object.set(key, convert(tuple.getValueNode(), childPath, depth + 1));
            }
            return object;
        }
        if (node instanceof SequenceNode sequence) {
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            int i = 0;
            for (Node item : sequence.getValue()) {
                String itemPath = SourceLines.element(path, i++);
                lines.put(itemPath, line(item));
                array.add(convert(item, itemPath, depth + 1));
            }
            return array;
        }
        return scalar((ScalarNode) node, path);
    }

    private JsonNode scalar(ScalarNode node, String path) {
        Tag tag = node.getTag();
        if (Tag.STR.equals(tag)) {
            return JsonNodeFactory.instance.textNode(node.getValue());
        }
        ConstructNode constructor = constructors.get(tag);
        if (constructor == null) {
            problems.errorAt(line(node), path, "unsupported YAML tag " + shown(tag) + ": remove it");
            return JsonNodeFactory.instance.textNode(node.getValue());
        }
        Object value;
        try {
            value = Tag.INT.equals(tag) && YAML_11_OCTAL.matcher(node.getValue()).matches()
                    ? octal(node.getValue()) : constructor.construct(node);
        } catch (RuntimeException e) {
            // a value its explicit tag does not fit (!!int x, !!float [): the library's own message quotes the value
            problems.errorAt(line(node), path, "the value does not fit its tag " + shown(tag)
                    + ": remove the tag or correct the value");
            return JsonNodeFactory.instance.textNode(node.getValue());
        }
        if (value == null) {
            return JsonNodeFactory.instance.nullNode();
        } else if (value instanceof Boolean b) {
            return JsonNodeFactory.instance.booleanNode(b);
        } else if (value instanceof Integer i) {
            return JsonNodeFactory.instance.numberNode(i);
        } else if (value instanceof Long l) {
            return JsonNodeFactory.instance.numberNode(l);
        } else if (value instanceof BigInteger b) {
            return JsonNodeFactory.instance.numberNode(b);
        } else if (value instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                problems.errorAt(line(node), path, "a number must be finite, got " + Names.quote(node.getValue()));
            }
            return JsonNodeFactory.instance.numberNode(d);
        }
        return JsonNodeFactory.instance.textNode(node.getValue());
    }

    /** A YAML 1.1 octal integer, in the narrowest type that holds it, as the core schema's constructor gives. */
    private static Number octal(String text) {
        BigInteger value = new BigInteger(text, 8);
        return value.bitLength() < 32 ? (Number) value.intValue()
                : value.bitLength() < 64 ? (Number) value.longValue() : value;
    }

    /** A tag as it is written: {@code !!int} for the YAML ones; a long one (the file's text) shortened. */
    private static String shown(Tag tag) {
        String value = tag.getValue();
        if (value.startsWith(Tag.PREFIX)) {
            value = "!!" + value.substring(Tag.PREFIX.length());
        }
        return value.length() <= 80 ? value : Names.quote(value);
    }

    private static String describe(MarkedYamlEngineException e) {
        String context = e.getContext();
        String problem = scrub(e.getProblem());
        return context == null || context.isEmpty() ? problem : scrub(context) + ": " + problem;
    }

    /**
     * What follows "found"/"got" in a parser message is the file's own text, unless it is one character. DOTALL: the
     * text may hold line breaks of any kind (U+0085 too), and all of it is hidden.
     */
    private static final java.util.regex.Pattern ECHO = java.util.regex.Pattern.compile(
            "(found undefined alias|found undefined tag handle|found duplicate anchor|valid version:|expected URI in"
                    + " UTF-8:|but found:?|but got) +(.*)$", java.util.regex.Pattern.DOTALL);
    /** One character as the parser shows it ({@code q(113)}, {@code '\t(TAB)'}, {@code 'x'}), or a token name. */
    private static final java.util.regex.Pattern HARMLESS = java.util.regex.Pattern.compile(
            "'?(\\\\?.)(\\([A-Za-z0-9]+\\))?'?|'?<[a-z ]+>'?", java.util.regex.Pattern.DOTALL);

    /**
     * The parser's description without the file's text: the mistake and its place are enough, and a file that is
     * no manifest at all (a key, a password file) must not end up in the log. One character is kept.
     */
    static String scrub(String message) {
        if (message == null) {
            return "";
        }
        java.util.regex.Matcher m = ECHO.matcher(message);
        if (m.find()) {
            String found = m.group(2).stripTrailing(); // a line break may be the one character found
            if (!HARMLESS.matcher(found).matches()) {
                return message.substring(0, m.start()) + m.group(1).replaceFirst(":$", "") + " (not shown)";
            }
        }
        return message;
    }

    private static int line(MarkedYamlEngineException e) {
        // the context (where the construct began: the key missing its ':', the unclosed '{') is where to look
        Optional<Mark> mark = e.getContextMark().isPresent() ? e.getContextMark() : e.getProblemMark();
        return line(mark);
    }

    private static int line(Node node) {
        return line(node.getStartMark());
    }

    private static int line(Optional<Mark> mark) {
        return mark.map(m -> m.getLine() + 1).orElse(0);
    }
}
