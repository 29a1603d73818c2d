package io.staticpod.runtime.docker.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.staticpod.runtime.docker.DockerLabels;
import io.staticpod.runtime.docker.DockerObjects;
import io.staticpod.runtime.spi.ContainerEvent;
import io.staticpod.runtime.spi.ExitEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Container events on the Docker Engine API: one long-lived {@code GET /events} per subscription, filtered by label
 * and by the actions that change a container's state ({@code start}, {@code die}, {@code destroy}), read on a
 * daemon thread of its own ({@code docker-api-events-N}) that delivers to the listener.
 *
 * <p>The first connection asks for events since the subscription (Docker replays the ones it still has), so none
 * made after {@link #subscribe} returns is missed while the connection is being set up; should it fail, the
 * RESYNC delivered once a later one succeeds covers the gap. When the stream ends or
 * breaks (the engine restarted, the connection was cut, even mid-line), the thread reconnects after a back-off of
 * 0.5 s doubling to 10 s (back to 0.5 s after a connection that lasted 10 s), and delivers
 * {@link ContainerEvent.Type#RESYNC} first: events may have been missed, relist. Sandboxes' events are delivered too,
 * with the pause container's id. A half line left by a cut is dropped.
 */
final class ApiEvents implements ExitEvents {

    private static final Logger log = LoggerFactory.getLogger(ApiEvents.class);
    static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    /** Attributes of an event that are Docker's, not labels. */
    private static final Set<String> NOT_LABELS = Set.of("exitCode", "image", "name", "signal", "execID");
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final ApiClient api;
    private final Set<Subscription> open = java.util.concurrent.ConcurrentHashMap.newKeySet();

    ApiEvents(ApiClient api) {
        this.api = api;
    }

    @Override
    public AutoCloseable subscribe(Map<String, String> labels, Consumer<ContainerEvent> listener) {
        Subscription s = new Subscription(Map.copyOf(labels), listener, Instant.now());
        open.add(s);
        Thread thread = new Thread(s::run, "docker-api-events-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
        return s;
    }

    /** Ends every subscription (the runtime is closing). */
    void closeAll() {
        List.copyOf(open).forEach(Subscription::close);
    }

    private final class Subscription implements AutoCloseable {
        private final Map<String, String> labels;
        private final Consumer<ContainerEvent> listener;
        private final Instant since;
        private final Object lock = new Object();
        /** Guarded by {@link #lock}. */
        private boolean closed;
        /** Guarded by {@link #lock}. */
        private DockerHttp.Stream current;
        /** The stream is cut and this was logged; only the subscription's thread uses it. */
        private boolean outage;

        Subscription(Map<String, String> labels, Consumer<ContainerEvent> listener, Instant since) {
            this.labels = labels;
            this.listener = listener;
            this.since = since;
        }

        void run() {
            Duration backoff = FIRST_BACKOFF;
            boolean gap = false;
            while (!isClosed()) {
                long connected = System.nanoTime();
                String problem;
                try {
                    problem = readOnce(gap);
                } catch (IOException | RuntimeException e) {
                    problem = e.toString();
                }
                if (isClosed()) {
                    return;
                }
                gap = true;
                backoff = System.nanoTime() - connected > MAX_BACKOFF.toNanos() ? FIRST_BACKOFF : backoff;
                if (!outage) {
                    log.warn("Docker event stream cut; reconnecting, then resync endpoint={} backOff={} problem={}",
                            api.endpoint, backoff, problem);
                    outage = true;
                } else {
                    log.debug("Docker event stream still cut endpoint={} backOff={} problem={}", api.endpoint,
                            backoff, problem);
                }
                synchronized (lock) {
                    long until = System.nanoTime() + backoff.toNanos();
                    for (long left = backoff.toNanos(); !closed && left > 0; left = until - System.nanoTime()) {
                        try {
                            lock.wait(Math.max(1, left / 1_000_000));
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }

        /** One connection: reads until it ends. Returns why it ended (null: closed). */
        private String readOnce(boolean afterGap) throws IOException {
            DockerHttp.Stream stream = api.http.open("GET", api.path("/events?" + query(!afterGap)), null,
                    api.callTimeout);
            synchronized (lock) {
                if (closed) {
                    stream.close();
                    return null;
                }
                current = stream;
            }
            try (stream) {
                if (stream.status != 200) {
                    return "the engine answered " + stream.status + ": "
                            + ApiErrors.message(stream.body.readAllBytes());
                }
                if (afterGap) {
                    if (outage) {
                        log.info("Docker event stream back; resync endpoint={}", api.endpoint);
                        outage = false;
                    }
                    deliver(new ContainerEvent(ContainerEvent.Type.RESYNC, null, Map.of(), null));
                }
                BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body, StandardCharsets.UTF_8));
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    event(line);
                }
                return "the engine ended the stream";
            } finally {
                synchronized (lock) {
                    current = null;
                }
            }
        }

        /**
         * The filters, and on the first connection {@code since} the subscription: later ones need no replay, since
         * the RESYNC that follows them makes the caller relist after the stream is open again.
         */
        private String query(boolean first) {
            List<String> terms = new ArrayList<>();
            new TreeMap<>(labels).forEach((k, v) -> terms.add(k + "=" + v));
            String filters = ApiClient.JSON.createObjectNode()
                    .<com.fasterxml.jackson.databind.node.ObjectNode>set("type", ApiClient.JSON.valueToTree(
                            List.of("container")))
                    .<com.fasterxml.jackson.databind.node.ObjectNode>set("event", ApiClient.JSON.valueToTree(
                            List.of("start", "die", "destroy")))
                    .set("label", ApiClient.JSON.valueToTree(terms)).toString();
            return (first ? "since=" + since.getEpochSecond() + "." + String.format("%09d", since.getNano()) + "&"
                    : "") + "filters=" + ApiClient.encode(filters);
        }

        private void event(String line) {
            JsonNode e;
            try {
                e = ApiClient.JSON.readTree(line);
            } catch (IOException notJson) {
                log.debug("Unreadable Docker event dropped length={}", line.length());
                return;
            }
            ContainerEvent.Type type;
            switch (e.path("Action").asText("")) {
                case "start":
                    type = ContainerEvent.Type.STARTED;
                    break;
                case "die":
                    type = ContainerEvent.Type.EXITED;
                    break;
                case "destroy":
                    type = ContainerEvent.Type.REMOVED;
                    break;
                default:
                    return;
            }
            JsonNode attributes = e.path("Actor").path("Attributes");
            Map<String, String> docker = DockerObjects.labels(attributes);
            docker.keySet().removeAll(NOT_LABELS);
            Integer exitCode = type == ContainerEvent.Type.EXITED && attributes.hasNonNull("exitCode")
                    ? Integer.valueOf(attributes.get("exitCode").asInt()) : null;
            deliver(new ContainerEvent(type, e.path("Actor").path("ID").asText(e.path("id").asText()),
                    DockerLabels.labels(docker), exitCode));
        }

        private void deliver(ContainerEvent event) {
            try {
                listener.accept(event);
            } catch (RuntimeException ex) {
                log.warn("A listener of Docker events failed; the event is dropped type={} error={}", event.type(),
                        ex.toString());
            }
        }

        private boolean isClosed() {
            synchronized (lock) {
                return closed;
            }
        }

        @Override
        public void close() {
            DockerHttp.Stream stream;
            synchronized (lock) {
                closed = true;
                stream = current;
                lock.notifyAll();
            }
            open.remove(this);
            if (stream != null) {
                stream.close();
            }
        }
    }
}
