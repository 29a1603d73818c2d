package io.staticpod.manifest;

import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.parser.Parser;

/**
 * snakeyaml-engine's parser, with every event it hands out counted as a step of a {@link WorkMeter}: the prescan and
 * the composer both pull their events through it, so neither can read on past the budget.
 */
final class MeteredParser implements Parser {
    private final Parser parser;
    private final WorkMeter meter;

    MeteredParser(Parser parser, WorkMeter meter) {
        this.parser = parser;
        this.meter = meter;
    }

    @Override
    public boolean checkEvent(Event.ID choice) {
        return parser.checkEvent(choice);
    }

    @Override
    public Event peekEvent() {
        return parser.peekEvent();
    }

    @Override
    public Event next() {
        Event e = parser.next();
        meter.step(1, e.getStartMark());
        return e;
    }

    @Override
    public boolean hasNext() {
        return parser.hasNext();
    }
}
