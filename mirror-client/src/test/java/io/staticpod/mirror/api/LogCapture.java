package io.staticpod.mirror.api;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;

/** Every line logged under {@code io.staticpod.mirror} while it is open, for assertions on levels and counts. */
final class LogCapture implements AutoCloseable {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger("io.staticpod.mirror");

    LogCapture() {
        appender.start();
        logger.addAppender(appender);
    }

    /** Lines at {@code level} containing every one of {@code parts}. */
    List<String> lines(Level level, String... parts) {
        return List.copyOf(appender.list).stream().filter(e -> e.getLevel() == level)
                .map(ILoggingEvent::getFormattedMessage)
                .filter(m -> java.util.Arrays.stream(parts).allMatch(m::contains)).toList();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
    }
}
