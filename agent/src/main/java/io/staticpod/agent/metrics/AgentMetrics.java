package io.staticpod.agent.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.staticpod.mirror.ApiRequestListener;
import io.staticpod.mirror.MirrorClient;
import io.staticpod.mirror.PodStatus;
import io.staticpod.runtime.spi.ContainerRuntime;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Every metric the agent exposes on {@code /metrics}, in one registry of its own (never the library's global one),
 * named {@code static_pod_agent_*} after the kubelet's metrics of the same meaning.
 *
 * <p>Thread-safe: the Prometheus client's metrics are.
 */
public final class AgentMetrics implements ApiRequestListener {
    /** Seconds: from 5 ms (a cached {@code docker inspect}) to 2 min (a pull, a slow stop). */
    private static final double[] CALL_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
            120};
    /** Seconds: the kubelet's pod start SLI buckets, from half a second to ten minutes. */
    private static final double[] START_BUCKETS = {0.5, 1, 2, 3, 4, 5, 6, 8, 10, 20, 30, 45, 60, 120, 180, 240,
            300, 360, 480, 600};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    private final Histogram runtimeDuration = Histogram.builder()
            .name("static_pod_agent_runtime_operations_duration_seconds")
            .help("Duration of container runtime calls, by operation (kubelet_runtime_operations_duration_seconds)")
            .labelNames("operation").classicOnly().classicUpperBounds(CALL_BUCKETS).register(registry);
    private final Counter runtimeErrors = Counter.builder()
            .name("static_pod_agent_runtime_operations_errors_total")
            .help("Container runtime calls that failed, by operation (kubelet_runtime_operations_errors_total)")
            .labelNames("operation").register(registry);
    private final Histogram mirrorCallDuration = Histogram.builder()
            .name("static_pod_agent_mirror_client_calls_duration_seconds")
            .help("Duration of the agent's calls into the mirror client (they only queue work), by method")
            .labelNames("method").classicOnly().classicUpperBounds(CALL_BUCKETS).register(registry);
    private final Counter mirrorCallErrors = Counter.builder()
            .name("static_pod_agent_mirror_client_calls_errors_total")
            .help("Calls into the mirror client that threw, by method")
            .labelNames("method").register(registry);
    private final Histogram apiDuration = Histogram.builder()
            .name("static_pod_agent_mirror_api_request_duration_seconds")
            .help("Duration of the mirror client's requests to the API server, by verb and resource")
            .labelNames("verb", "resource").classicOnly().classicUpperBounds(CALL_BUCKETS).register(registry);
    private final Counter apiErrors = Counter.builder()
            .name("static_pod_agent_mirror_api_request_errors_total")
            .help("Requests to the API server that failed, by verb, resource and code (0: no answer)")
            .labelNames("verb", "resource", "code").register(registry);
    private final Histogram podStart = Histogram.builder()
            .name("static_pod_agent_pod_start_duration_seconds")
            .help("From a pod version's manifest first seen to all of its containers running, once per pod version")
            .classicOnly().classicUpperBounds(START_BUCKETS).register(registry);
    private final Counter restarts = Counter.builder()
            .name("static_pod_agent_container_restarts_total")
            .help("Container restarts seen in static pods' status, by pod and container")
            .labelNames("namespace", "pod", "container").register(registry);
    private final Counter parseErrors = Counter.builder()
            .name("static_pod_agent_manifest_parse_errors_total")
            .help("Manifest files read and found invalid (each new content once)").register(registry);
    private final Counter scans = Counter.builder()
            .name("static_pod_agent_manifest_scans_total")
            .help("Full scans of the static pod path").register(registry);
    private final Counter watchEvents = Counter.builder()
            .name("static_pod_agent_manifest_watch_events_total")
            .help("Events of the static pod path's directory watch (each followed by a debounced scan)")
            .register(registry);

    /** @param phases the number of static pods in each phase right now, read at each scrape */
    public AgentMetrics(Supplier<Map<PodStatus.Phase, Integer>> phases) {
        GaugeWithCallback.builder()
                .name("static_pod_agent_static_pods")
                .help("Static pods this agent runs, by phase (Unknown: no status yet)")
                .labelNames("phase")
                .callback(callback -> {
                    Map<PodStatus.Phase, Integer> now = phases.get();
                    for (PodStatus.Phase phase : PodStatus.Phase.values()) {
                        callback.call(now.getOrDefault(phase, 0), phase.name());
                    }
                })
                .register(registry);
        JvmMetrics.builder().register(registry);
    }

    /** Wraps the runtime so that every call is timed and every failure counted. */
    public ContainerRuntime meter(ContainerRuntime runtime) {
        return new MeteredContainerRuntime(runtime, this);
    }

    /** Wraps the mirror client so that the agent's calls into it are timed and failures counted. */
    public MirrorClient meter(MirrorClient client) {
        return new MeteredMirrorClient(client, this);
    }

    /**
     * The hook for the mirror client's own requests to the API server: it calls this once per request.
     *
     * @param code the HTTP status, or 0 when there was no answer; codes of 400 and up count as errors
     */
    @Override
    public void apiRequest(String verb, String resource, Duration took, int code) {
        apiDuration.labelValues(verb, resource).observe(seconds(took));
        if (code == 0 || code >= 400) {
            apiErrors.labelValues(verb, resource, Integer.toString(code)).inc();
        }
    }

    void runtimeCall(String operation, long nanos, boolean failed) {
        runtimeDuration.labelValues(operation).observe(nanos / 1e9);
        if (failed) {
            runtimeErrors.labelValues(operation).inc();
        }
    }

    void mirrorCall(String method, long nanos, boolean failed) {
        mirrorCallDuration.labelValues(method).observe(nanos / 1e9);
        if (failed) {
            mirrorCallErrors.labelValues(method).inc();
        }
    }

    /** A pod version's containers all run, {@code took} after its manifest was first seen. */
    public void podStarted(Duration took) {
        podStart.observe(seconds(took));
    }

    public void containerRestarted(String namespace, String pod, String container, int times) {
        restarts.labelValues(namespace, pod, container).inc(times);
    }

    public void manifestParseErrors(int files) {
        parseErrors.inc(files);
    }

    public void manifestScan() {
        scans.inc();
    }

    public void watchEvent() {
        watchEvents.inc();
    }

    /** Writes every metric in the Prometheus text format (version 0.0.4). */
    public void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }

    public String contentType() {
        return writer.getContentType();
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
