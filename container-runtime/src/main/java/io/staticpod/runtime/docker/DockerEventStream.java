package io.staticpod.runtime.docker;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.staticpod.runtime.ContainerEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code docker events} as a long-running process, one JSON object per line, filtered by label and by the actions
 * that change a container's state. Restarted after a second when it ends (the engine restarted, the CLI died).
 * This is a second process next to the {@code CommandRunner} seam on purpose: that seam runs commands to
 * completion, this one streams.
 */
final class DockerEventStream implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DockerEventStream.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final List<String> argv;
    private final Consumer<ContainerEvents.Event> listener;
    private final Thread thread;
    private volatile boolean closed;
    private volatile Process process;

    DockerEventStream(String docker, Map<String, String> labels, Consumer<ContainerEvents.Event> listener) {
        List<String> a = new ArrayList<>(List.of(docker, "events", "--format", "{{json .}}",
                "--filter", "type=container", "--filter", "event=start", "--filter", "event=die",
                "--filter", "event=destroy", "--filter", "event=oom"));
        labels.forEach((k, v) -> {
            a.add("--filter");
            a.add("label=" + k + "=" + v);
        });
        this.argv = List.copyOf(a);
        this.listener = listener;
        this.thread = new Thread(this::loop, "docker-events");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (!closed) {
            try {
                process = new ProcessBuilder(argv).redirectErrorStream(false)
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        deliver(line);
                    }
                }
                process.waitFor();
            } catch (IOException e) {
                log.debug("docker events could not run; retrying error={}", e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (!closed) {
                try {
                    Thread.sleep(1000); // the stream ended: the engine restarted or is down; the relist covers meanwhile
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void deliver(String line) {
        try {
            JsonNode n = JSON.readTree(line);
            Map<String, String> labels = new HashMap<>();
            n.path("Actor").path("Attributes").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            listener.accept(new ContainerEvents.Event(n.path("id").asText(), n.path("Action").asText(), labels));
        } catch (IOException | RuntimeException e) {
            log.debug("Unreadable docker event line={} error={}", line, e.toString());
        }
    }

    @Override
    public void close() {
        closed = true;
        Process p = process;
        if (p != null) {
            p.destroy();
        }
        thread.interrupt();
    }
}
