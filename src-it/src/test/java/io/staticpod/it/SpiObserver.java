package io.staticpod.it;

import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.ContainerState;
import io.staticpod.runtime.spi.ContainerSummary;
import io.staticpod.runtime.spi.LogOptions;
import io.staticpod.runtime.spi.LogReader;
import io.staticpod.runtime.spi.RuntimeSnapshot;
import io.staticpod.runtime.spi.Sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a runtime has, read through one of our adapters of the pod-level SPI, as {@link RuntimeObserver.Seen}s: for
 * runtimes whose objects only our adapter can name (ctr keeps names and labels in labels of its own). On containerd,
 * killing a container and reading its environment go through {@code ctr} itself, in the adapter's namespace.
 */
final class SpiObserver {
    private SpiObserver() {
    }

    static List<RuntimeObserver.Seen> all(ContainerRuntime runtime, String node) {
        RuntimeSnapshot s = runtime.snapshot(Map.of(RuntimeObserver.OWNER, node));
        List<RuntimeObserver.Seen> out = new ArrayList<>();
        for (Sandbox b : s.sandboxes()) {
            out.add(new RuntimeObserver.Seen(b.id(), "POD", labels(b.labels(), b.annotations()), b.ready()));
        }
        for (ContainerSummary c : s.containers()) {
            out.add(new RuntimeObserver.Seen(c.id(), c.name(), labels(c.labels(), c.annotations()),
                    c.state() == ContainerState.RUNNING));
        }
        return out;
    }

    /** Removes every sandbox (and the containers in it) and container the agent of {@code node} left. */
    static void removeAll(ContainerRuntime runtime, Map<String, String> selector) {
        RuntimeSnapshot s = runtime.snapshot(selector);
        for (ContainerSummary c : s.containers()) {
            try {
                runtime.containers().stop(c.id(), Duration.ZERO);
                runtime.containers().remove(c.id());
            } catch (RuntimeException ignored) {
                // gone already
            }
        }
        for (Sandbox b : s.sandboxes()) {
            try {
                runtime.sandboxes().stop(b.id());
                runtime.sandboxes().remove(b.id());
            } catch (RuntimeException ignored) {
                // gone already
            }
        }
    }

    /** A container's logs read through the adapter, to where they end or cannot be read further. */
    static String logs(ContainerRuntime runtime, String id) {
        StringBuilder out = new StringBuilder();
        try (LogReader r = runtime.logs().orElseThrow().open(id, LogOptions.ALL)) {
            for (LogReader.LogLine l = r.next(); l != null; l = r.next()) {
                out.append(new String(l.bytes(), StandardCharsets.UTF_8)).append(l.partial() ? "" : "\n");
            }
        } catch (IOException | RuntimeException e) {
            return out.toString();
        }
        return out.toString();
    }

    /** The environment of a container of containerd at {@code address} ({@code ctr containers info}), null if gone. */
    static List<String> env(String address, String namespace, String id) {
        try {
            Process p = new ProcessBuilder("ctr", "-a", address, "-n", namespace, "containers", "info", id)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (p.waitFor() != 0) {
                return null; // gone
            }
            List<String> env = new ArrayList<>();
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(out).path("Spec").path("process").path("env")
                    .forEach(e -> env.add(e.asText()));
            return env;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** SIGKILL to the task of a container of containerd at {@code address}, with {@code ctr tasks kill}. */
    static void kill(String address, String namespace, String id) {
        try {
            new ProcessBuilder("ctr", "-a", address, "-n", namespace, "tasks", "kill", "-s", "SIGKILL", id)
                    .inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, String> labels(Map<String, String> labels, Map<String, String> annotations) {
        Map<String, String> out = new TreeMap<>(labels);
        annotations.forEach((k, v) -> out.put("annotation." + k, v));
        return out;
    }
}
