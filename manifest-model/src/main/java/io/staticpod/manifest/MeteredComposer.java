package io.staticpod.manifest;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.parser.Parser;

/**
 * snakeyaml-engine's composer, with each mapping merged in by a merge key ({@code <<: *base}) counted as steps of a
 * {@link WorkMeter}, one per key copied. Merging is the one loop of the composer that pulls no events (its
 * {@code MergeUtils.flatten} repeats until no merged mapping has a merge key left, for ever if one merges itself),
 * so the event count alone would not see it.
 */
final class MeteredComposer extends Composer {
    private final WorkMeter meter;

    MeteredComposer(LoadSettings settings, Parser parser, WorkMeter meter) {
        super(settings, parser);
        this.meter = meter;
    }

    @Override
    protected MappingNode asMappingNode(Node node) {
        MappingNode mapping = super.asMappingNode(node);
        meter.step(1 + mapping.getValue().size(), node.getStartMark());
        return mapping;
    }
}
