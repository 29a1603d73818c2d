package io.staticpod.manifest;

import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.CoreSchema;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The first look at a manifest's YAML: walks the events of the first document, iteratively (hostile nesting cannot
 * overflow the stack) and before any node is built, and refuses what the composer must never be given: nesting
 * deeper than {@link YamlTreeReader#MAX_DEPTH}, more than {@link YamlTreeReader#MAX_ALIASES} aliases of lists or
 * mappings, and an alias inside the list or mapping it names (a cycle). Then looks for further documents.
 *
 * <p>Why cycles are refused here: no Pod has one (go-yaml, which the kubelet uses, refuses them too: "anchor value
 * contains itself"), and snakeyaml-engine 2.10 cannot take them all: a mapping that merges itself
 * ({@code labels: &l {<<: *l}}) sends its {@code MergeUtils.flatten} into an endless loop, since the mapping still
 * carries its merge key while it is flattened. A cycle is reported at the alias, naming the field and the anchor, but
 * only in a file recognisable as a Kubernetes object (a top-level {@code kind} or {@code apiVersion} string): anchor
 * names and keys are the file's text, and a file that is no manifest is never quoted.
 */
final class YamlPrescan {
    private static final ScalarResolver RESOLVER = new CoreSchema().getScalarResolver();
    /** An anchor name that may be shown: short, and of the characters names are made of. */
    private static final Pattern SHOWABLE_ANCHOR = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    /** The latest definition of an anchor on a scalar: an alias to it is never a cycle. */
    private static final Frame SCALAR = new Frame(null, false, "", null);

    /** One open (or, once ended, closed) list or mapping. */
    private static final class Frame {
        final Frame parent;
        final boolean mapping;
        final String path;
        /** For a list that is the value of a merge key: the path of the mapping it merges into. */
        final String mergeInto;
        boolean open = true;
        boolean expectKey = true;
        String key;
        boolean mergeKey;
        int index;

        Frame(Frame parent, boolean mapping, String path, String mergeInto) {
            this.parent = parent;
            this.mapping = mapping;
            this.path = path;
            this.mergeInto = mergeInto;
        }
    }

    /** A cycle found; reported once the whole document has been seen (whether it may be quoted is known then). */
    private record Cycle(int line, String field, String anchor, boolean mapping) {
    }

    private final Parser parser;
    private final Problems problems;
    private final Map<String, Frame> anchors = new HashMap<>();
    private Frame top;
    private int depth;
    private int collectionAliases;
    private boolean recognised;
    private Cycle cycle;

    private YamlPrescan(Parser parser, Problems problems) {
        this.parser = parser;
        this.problems = problems;
    }

    /**
     * Walks the first document of {@code parser}'s stream (a {@link MeteredParser}: each event is a step of
     * work), then warns if more follow. Returns false when there is no document at all.
     *
     * @throws YamlTreeReader.Stop for the problems above, at their line
     */
    static boolean check(Parser parser, Problems problems) {
        return new YamlPrescan(parser, problems).run();
    }

    private boolean run() {
        boolean sawDocument = false;
        try {
            while (parser.hasNext()) {
                Event e = next();
                switch (e.getEventId()) {
                    case DocumentStart -> sawDocument = true;
                    case Alias -> alias((AliasEvent) e);
                    case Scalar -> scalar((ScalarEvent) e);
                    case MappingStart, SequenceStart -> start((CollectionStartEvent) e);
                    case MappingEnd, SequenceEnd -> {
                        top.open = false;
                        top = top.parent;
                        depth--;
                    }
                    case DocumentEnd -> {
                        throwCycle();
                        warnAboutMoreDocuments();
                        return true;
                    }
                    default -> {
                    }
                }
            }
        } catch (RuntimeException e) {
            // a cycle comes first: it is certain, and what follows it may only be its consequence
            throwCycle();
            throw e;
        }
        throwCycle();
        return sawDocument;
    }

    /** The next event; the parser counts it as a step. */
    private Event next() {
        return parser.next();
    }

    private void start(CollectionStartEvent e) {
        String path = place();
        String mergeInto = top != null && top.mapping && top.mergeKey && !isKey() ? top.path : null;
        Frame frame = new Frame(top, e.getEventId() == Event.ID.MappingStart, path, mergeInto);
        advance(null);
        e.getAnchor().ifPresent(a -> anchors.put(a.getValue(), frame));
        top = frame;
        if (++depth > YamlTreeReader.MAX_DEPTH) {
            throw new YamlTreeReader.Stop(line(e), "nested more than " + YamlTreeReader.MAX_DEPTH + " levels deep;"
                    + " a Pod manifest never is");
        }
    }

    private void scalar(ScalarEvent e) {
        e.getAnchor().ifPresent(a -> anchors.put(a.getValue(), SCALAR));
        if (top != null && top.parent == null && top.mapping && !top.expectKey
                && ("kind".equals(top.key) || "apiVersion".equals(top.key)) && Tag.STR.equals(tagOf(e))) {
            recognised = true;
        }
        advance(e);
    }

    private void alias(AliasEvent e) {
        String anchor = e.getAlias().getValue();
        Frame named = anchors.get(anchor);
        String field = top != null && top.mapping && top.mergeKey && !isKey() ? top.path
                : top != null && !top.mapping && top.mergeInto != null ? top.mergeInto : place();
        advance(null);
        if (named == null || named == SCALAR) {
            return; // an undefined alias is the composer's to report; a scalar's is harmless
        }
        // the composer counts these too, but says nowhere where: here the line is known
        if (++collectionAliases > YamlTreeReader.MAX_ALIASES) {
            throw new YamlTreeReader.Stop(line(e), "more than " + YamlTreeReader.MAX_ALIASES + " aliases (*name) of"
                    + " lists or mappings; refusing (a billion-laughs bomb?)");
        }
        if (named.open && cycle == null) {
            cycle = new Cycle(line(e), field, anchor, named.mapping);
        }
    }

    /** True when the next node of the open mapping is a key. */
    private boolean isKey() {
        return top.mapping && top.expectKey;
    }

    /** The field path of the node that starts now, before {@link #advance} moves past it. */
    private String place() {
        if (top == null) {
            return "";
        }
        if (!top.mapping) {
            return SourceLines.element(top.path, top.index);
        }
        if (top.expectKey) {
            return SourceLines.child(top.path, "?");
        }
        return top.key == null ? top.path : SourceLines.child(top.path, top.key);
    }

    /** Moves past one node of the open collection; {@code scalar} is that node when it is a scalar, else null. */
    private void advance(ScalarEvent scalar) {
        if (top == null) {
            return;
        }
        if (!top.mapping) {
            top.index++;
        } else if (top.expectKey) {
            top.expectKey = false;
            top.key = scalar == null ? null : scalar.getValue();
            top.mergeKey = scalar != null && Tag.MERGE.equals(tagOf(scalar));
        } else {
            top.expectKey = true;
        }
    }

    /** The tag the composer gives a scalar (resolved as it resolves it). */
    private static Tag tagOf(ScalarEvent e) {
        return e.getTag().filter(t -> !t.equals("!")).map(Tag::new)
                .orElseGet(() -> RESOLVER.resolve(e.getValue(), e.getImplicit().canOmitTagInPlainScalar()));
    }

    private void throwCycle() {
        if (cycle == null) {
            return;
        }
        String what = cycle.mapping() ? "mapping" : "list";
        if (!recognised) {
            throw new YamlTreeReader.Stop(cycle.line(), "an alias (*name) refers to the list or mapping that contains"
                    + " it (a cycle); this is no Pod manifest (no kind or apiVersion), so nothing of it is shown");
        }
        String alias = SHOWABLE_ANCHOR.matcher(cycle.anchor()).matches() ? "alias *" + cycle.anchor() : "an alias";
        throw new YamlTreeReader.Stop(cycle.line(), cycle.field(), alias + " refers to the " + what + " that contains"
                + " it (a cycle); a manifest cannot contain itself: refer to an anchor outside this " + what
                + ", or write the values out");
    }

    private void warnAboutMoreDocuments() {
        int line = 0;
        try {
            while (parser.hasNext()) {
                Event e = next();
                Event.ID id = e.getEventId();
                if (id == Event.ID.StreamEnd) {
                    return;
                }
                if (id == Event.ID.DocumentStart && line == 0) {
                    line = line(e);
                }
                boolean emptyDocument = id == Event.ID.Scalar && ((ScalarEvent) e).getValue().isEmpty();
                if (id != Event.ID.DocumentStart && id != Event.ID.DocumentEnd && !emptyDocument) {
                    break;
                }
            }
        } catch (YamlEngineException e) {
            // what follows the first document is ignored anyway; it still deserves the warning below
        }
        problems.warnAt(line, "more than one YAML document: only the first is used (the kubelet ignores the rest);"
                + " put each pod in its own file");
    }

    private static int line(Event e) {
        return e.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }
}
