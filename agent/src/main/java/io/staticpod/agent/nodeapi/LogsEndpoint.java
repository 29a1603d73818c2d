package io.staticpod.agent.nodeapi;

import io.staticpod.agent.nodeapi.logs.LogCopier;
import io.staticpod.agent.nodeapi.logs.LogQuery;
import io.staticpod.agent.nodeapi.logs.LogSink;
import io.staticpod.runtime.spi.LogReader;
import io.staticpod.runtime.spi.RuntimeError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.Optional;

/**
 * {@code GET /containerLogs/{namespace}/{pod}/{container}}: the options checked (400 naming a bad one), the static pod
 * and container found (404 for anything that is not a container of a static pod of this node, whatever the names
 * hold), the instance chosen (400 when there is none yet, or no previous one), then the log streamed on a stream
 * slot (429 when all are taken): flushed line by line when followed, ended when the followed instance ends.
 */
final class LogsEndpoint {
    private static final Logger log = LoggerFactory.getLogger(LogsEndpoint.class);
    static final String TEXT = "text/plain; charset=utf-8";

    private final StaticPods pods;
    private final StaticPodLogs logs;
    private final StreamSlots slots;
    private final InstantSource clock;

    LogsEndpoint(StaticPods pods, StaticPodLogs logs, StreamSlots slots, InstantSource clock) {
        this.pods = pods;
        this.logs = logs;
        this.slots = slots;
        this.clock = clock;
    }

    void serve(Request request, String namespace, String podName, String container, Exchange exchange) {
        LogQuery query;
        try {
            query = LogQuery.parse(request.query(), clock);
        } catch (LogQuery.BadOption e) {
            text(exchange, 400, e.getMessage());
            return;
        }
        Optional<StaticPodView> found = pods.find(namespace, podName);
        if (found.isEmpty()) {
            text(exchange, 404, "pod \"" + Dispatcher.shown(podName) + "\" in namespace \""
                    + Dispatcher.shown(namespace) + "\" is not a static pod of this node");
            return;
        }
        StaticPodView pod = found.get();
        if (!pod.hasContainer(container)) {
            text(exchange, 404, "container \"" + Dispatcher.shown(container) + "\" not found in pod \"" + podName
                    + "\"");
            return;
        }
        StaticPodView.Instance instance = pod.instance(container, query.previous());
        if (instance instanceof StaticPodView.Instance.Missing missing) {
            text(exchange, 400, missing.message());
            return;
        }
        String id = ((StaticPodView.Instance.Found) instance).containerId();
        boolean started = slots.start(() -> stream(pod, container, id, query, exchange));
        if (!started) {
            text(exchange, 429, "too many log streams open on this node (" + slots.max() + "); try again later");
        }
    }

    /** On a stream slot's thread. */
    private void stream(StaticPodView pod, String container, String id, LogQuery query, Exchange exchange) {
        LogReader reader;
        try {
            reader = logs.open(id, query.options());
        } catch (StaticPodLogs.Unsupported e) {
            text(exchange, 501, e.getMessage());
            return;
        } catch (RuntimeError.NotFound e) {
            text(exchange, 404, "the log of container \"" + container + "\" in pod \"" + pod.pod().key().name()
                    + "\" is gone (the container was removed)");
            return;
        } catch (RuntimeError e) {
            text(exchange, 503, "the container runtime cannot open the log: " + e.getMessage());
            return;
        }
        LogSink sink = exchange.stream(TEXT);
        sink.onClose(reader::close); // ends a read blocked on a followed log when the client goes
        try (reader) {
            LogCopier.End end = LogCopier.copy(reader, query, sink);
            if (end == LogCopier.End.CLIENT_GONE) {
                sink.abort();
            } else {
                sink.end();
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Container log stream failed pod={} container={} error={}", pod.pod().key(), container,
                    e.toString());
            sink.abort();
        }
    }

    static void text(Exchange exchange, int status, String message) {
        exchange.respond(status, TEXT, (message + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
