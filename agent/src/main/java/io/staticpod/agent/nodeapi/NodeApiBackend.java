package io.staticpod.agent.nodeapi;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;

/**
 * What the node API reads of the agent, as small seams: its static pods, their logs, exec streaming, its health and
 * its metrics. Each is thread-safe and quick (no call waits for the API server).
 */
public record NodeApiBackend(StaticPods pods, StaticPodLogs logs, Streaming streaming, Health health,
                             Metrics metrics) {
    public NodeApiBackend {
        Objects.requireNonNull(pods, "pods");
        Objects.requireNonNull(logs, "logs");
        Objects.requireNonNull(streaming, "streaming");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(metrics, "metrics");
    }

    /** The agent's health, as its local {@code /healthz} says it. */
    public interface Health {
        /** @param lines one line per part, {@code [+]name ok} or {@code [-]name failed: why} */
        record Report(boolean healthy, List<String> lines) {
            public Report {
                lines = List.copyOf(lines);
            }
        }

        Report check();
    }

    /** The agent's Prometheus registry. */
    public interface Metrics {
        String contentType();

        void write(OutputStream out) throws IOException;
    }
}
