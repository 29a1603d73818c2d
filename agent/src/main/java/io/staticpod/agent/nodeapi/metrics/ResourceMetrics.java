package io.staticpod.agent.nodeapi.metrics;

import io.staticpod.agent.nodeapi.StaticPodView;
import io.staticpod.mirror.PodStatus;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The kubelet's {@code /metrics/resource} for this node's static pods, in the Prometheus text format (0.0.4) with a
 * time stamp on every sample, as metrics-server reads it: per running container its CPU seconds, working set and
 * start time, per pod their sums, the node's own, and {@code scrape_error} (1 when a running container's cgroup could
 * not be read). Safe for concurrent scrapes.
 */
public final class ResourceMetrics {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Cgroups cgroups;
    private final Path meminfo;
    private final InstantSource clock;

    public ResourceMetrics(Cgroups cgroups, Path meminfo, InstantSource clock) {
        this.cgroups = cgroups;
        this.meminfo = meminfo;
        this.clock = clock;
    }

    public byte[] render(List<StaticPodView> pods) {
        long ts = clock.millis();
        StringBuilder containerCpu = new StringBuilder();
        StringBuilder containerMem = new StringBuilder();
        StringBuilder containerStart = new StringBuilder();
        StringBuilder podCpu = new StringBuilder();
        StringBuilder podMem = new StringBuilder();
        boolean error = false;
        Set<String> live = new HashSet<>();
        for (StaticPodView view : pods) {
            if (view.status() == null) {
                continue;
            }
            String ns = view.pod().key().namespace();
            String pod = view.pod().key().name();
            double cpuSum = 0;
            long memSum = 0;
            boolean any = false;
            for (PodStatus.ContainerStatus c : Stream.concat(view.status().initContainers().stream(),
                    view.status().containers().stream()).toList()) {
                if (!(c.state() instanceof PodStatus.Running running) || c.containerId() == null) {
                    continue;
                }
                String id = bare(c.containerId());
                live.add(id);
                Optional<Cgroups.Usage> usage = cgroups.container(id);
                if (usage.isEmpty() || usage.get().cpuSeconds().isEmpty() || usage.get().workingSetBytes().isEmpty()) {
                    error = true;
                    continue;
                }
                String labels = "{container=\"" + escape(c.name()) + "\",namespace=\"" + escape(ns) + "\",pod=\""
                        + escape(pod) + "\"}";
                double cpu = usage.get().cpuSeconds().get();
                long mem = usage.get().workingSetBytes().get();
                containerCpu.append("container_cpu_usage_seconds_total").append(labels).append(' ')
                        .append(cpu).append(' ').append(ts).append('\n');
                containerMem.append("container_memory_working_set_bytes").append(labels).append(' ')
                        .append(mem).append(' ').append(ts).append('\n');
                if (running.startedAt() != null) {
                    containerStart.append("container_start_time_seconds").append(labels).append(' ')
                            .append(running.startedAt().getEpochSecond()).append(' ').append(ts).append('\n');
                }
                cpuSum += cpu;
                memSum += mem;
                any = true;
            }
            if (any) {
                String labels = "{namespace=\"" + escape(ns) + "\",pod=\"" + escape(pod) + "\"}";
                podCpu.append("pod_cpu_usage_seconds_total").append(labels).append(' ').append(cpuSum).append(' ')
                        .append(ts).append('\n');
                podMem.append("pod_memory_working_set_bytes").append(labels).append(' ').append(memSum).append(' ')
                        .append(ts).append('\n');
            }
        }
        cgroups.retain(live);
        Cgroups.Usage node = cgroups.node(meminfo);
        StringBuilder out = new StringBuilder(1024);
        family(out, "container_cpu_usage_seconds_total", "counter",
                "Cumulative cpu time consumed by the container in core-seconds", containerCpu);
        family(out, "container_memory_working_set_bytes", "gauge",
                "Current working set of the container in bytes", containerMem);
        family(out, "container_start_time_seconds", "gauge",
                "Start time of the container since unix epoch in seconds", containerStart);
        StringBuilder nodeCpu = new StringBuilder();
        node.cpuSeconds().ifPresent(v -> nodeCpu.append("node_cpu_usage_seconds_total ").append(v).append(' ')
                .append(ts).append('\n'));
        StringBuilder nodeMem = new StringBuilder();
        node.workingSetBytes().ifPresent(v -> nodeMem.append("node_memory_working_set_bytes ").append(v).append(' ')
                .append(ts).append('\n'));
        family(out, "node_cpu_usage_seconds_total", "counter",
                "Cumulative cpu time consumed by the node in core-seconds", nodeCpu);
        family(out, "node_memory_working_set_bytes", "gauge", "Current working set of the node in bytes", nodeMem);
        family(out, "pod_cpu_usage_seconds_total", "counter",
                "Cumulative cpu time consumed by the pod in core-seconds", podCpu);
        family(out, "pod_memory_working_set_bytes", "gauge", "Current working set of the pod in bytes", podMem);
        family(out, "scrape_error", "gauge",
                "1 if there was an error while getting container metrics, 0 otherwise",
                new StringBuilder("scrape_error ").append(error ? 1 : 0).append('\n'));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void family(StringBuilder out, String name, String type, String help, StringBuilder samples) {
        out.append("# HELP ").append(name).append(" [ALPHA] ").append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        out.append(samples);
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String bare(String containerId) {
        int i = containerId.indexOf("://");
        return i < 0 ? containerId : containerId.substring(i + 3);
    }
}
