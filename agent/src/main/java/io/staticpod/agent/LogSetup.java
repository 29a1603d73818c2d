package io.staticpod.agent;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The agent's logging, set up in code (found by logback through {@code META-INF/services}) rather than from an XML
 * file: no XML parser and no configuration interpreter are loaded into a daemon that runs for months.
 *
 * <p>One line per event on standard error: {@code <time> <LEVEL> <logger>: <message>}; under systemd
 * ({@code spa.log.prefix}, set by {@link Main} when {@code JOURNAL_STREAM} is) without the time, which journald
 * stamps itself. The root level is {@code spa.log.level} (INFO unless the configuration says otherwise).
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
    static final String DEFAULT_PREFIX = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(System.getProperty("spa.log.prefix", DEFAULT_PREFIX) + " %logger{0}: %msg%n");
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(System.getProperty("spa.log.level"), Level.INFO));
        root.addAppender(stderr);
        context.getLogger("io.methvin").setLevel(Level.WARN);
        // the Docker adapter's HTTP client retries a request on a closed pooled connection by itself and says so at
        // INFO; an engine that does not answer is reported once by the relister
        context.getLogger("org.apache.hc").setLevel(Level.WARN);
        // fabric8 retries a watch every few seconds while the API server is down (normal while a control plane
        // boots) and logs each retry with a stack trace; the mirror client says once what is wrong, and when it is
        // back
        context.getLogger("io.fabric8.kubernetes.client.informers.impl.cache.Reflector").setLevel(Level.ERROR);
        context.getLogger("io.fabric8.kubernetes.client.jdkhttp.JdkWebSocketImpl").setLevel(Level.ERROR);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
