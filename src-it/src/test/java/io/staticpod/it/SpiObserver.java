package io.staticpod.it;

import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.ContainerState;
import io.staticpod.runtime.spi.ContainerSummary;
import io.staticpod.runtime.spi.RuntimeSnapshot;
import io.staticpod.runtime.spi.Sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a runtime has, read through one of our adapters of the pod-level SPI, as {@link RuntimeObserver.Seen}s: for
 * runtimes whose objects only our adapter can name (ctr keeps names and labels in labels of its own).
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

    private static Map<String, String> labels(Map<String, String> labels, Map<String, String> annotations) {
        Map<String, String> out = new TreeMap<>(labels);
        annotations.forEach((k, v) -> out.put("annotation." + k, v));
        return out;
    }
}
