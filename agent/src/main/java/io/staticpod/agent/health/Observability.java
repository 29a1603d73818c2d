package io.staticpod.agent.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.staticpod.agent.clock.MonotonicClock;
import io.staticpod.agent.metrics.AgentMetrics;
import io.staticpod.agent.nodeapi.NodeApiBackend;
import io.staticpod.agent.nodeapi.StaticPodLogs;
import io.staticpod.agent.nodeapi.StaticPodView;
import io.staticpod.agent.nodeapi.StaticPods;
import io.staticpod.agent.nodeapi.Streaming;
import io.staticpod.agent.relist.RuntimeHealth;
import io.staticpod.agent.source.ScanProgress;
import io.staticpod.agent.source.SourceSnapshot;
import io.staticpod.agent.status.PodBoard;
import io.staticpod.config.AgentConfig;
import io.staticpod.manifest.ParseResult;
import io.staticpod.manifest.StaticPod;
import io.staticpod.mirror.MirrorClient;
import io.staticpod.runtime.spi.ContainerRuntime;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How an operator sees the agent: health, metrics and the pods' status, assembled in one place so that the daemon's
 * wiring only adds hooks. The daemon wraps its runtime and its mirror client here, reports each scan and watch event,
 * gives {@code /healthz} the relister's health to read, and starts the endpoint once its parts exist.
 */
public final class Observability implements AutoCloseable {
    /** The reconcile thread's heartbeat period. */
    static final Duration BEAT = Duration.ofSeconds(1);

    private final AgentConfig config;
    private final InstantSource clock;
    private final AgentMetrics metrics;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** The relister's health once started; until then the runtime is taken as not yet asked. */
    private volatile Supplier<RuntimeHealth> runtimeHealth;
    private final HealthChecks health;
    private PodBoard board;
    private HealthServer server;
    private ScheduledExecutorService scanWatch;
    // confined to the reconcile thread
    private Map<Path, ParseResult> previousResults = Map.of();

    public Observability(AgentConfig config, InstantSource clock) {
        this.config = config;
        this.clock = clock;
        this.metrics = new AgentMetrics(() -> board == null ? Map.of() : board.phases());
        RuntimeHealth notAsked = new RuntimeHealth(true, "", MonotonicClock.SYSTEM.instant(), null);
        this.runtimeHealth = () -> notAsked;
        this.health = new HealthChecks(MonotonicClock.SYSTEM, config.fileCheckFrequency(), () -> runtimeHealth.get());
    }

    public AgentMetrics metrics() {
        return metrics;
    }

    public HealthChecks health() {
        return health;
    }

    /** The runtime, timed. */
    public ContainerRuntime meter(ContainerRuntime runtime) {
        return metrics.meter(runtime);
    }

    /** The mirror client, timed and teed into the status board. Call once. */
    public MirrorClient observe(MirrorClient mirror) {
        board = new PodBoard(metrics.meter(mirror), metrics, clock, config.nodeName());
        return board;
    }

    /** A full scan of the static pod path was applied. On the reconcile thread. */
    public void scanned(SourceSnapshot snapshot) {
        health.scanned();
        metrics.manifestScan();
        Map<Path, ParseResult> now = new HashMap<>();
        int newlyInvalid = 0;
        for (ParseResult r : snapshot.results()) {
            now.put(r.file(), r);
            // the source hands back the same result object for a file whose bytes did not change
            if (r instanceof ParseResult.Invalid && previousResults.get(r.file()) != r) {
                newlyInvalid++;
            }
        }
        previousResults = now;
        if (newlyInvalid > 0) {
            metrics.manifestParseErrors(newlyInvalid);
        }
        if (board != null) {
            board.invalidFiles(List.copyOf(snapshot.results()));
        }
    }

    /**
     * Watches the scans of the static pod path: a scan stuck on one file fails {@code /healthz} and is said in the log,
     * within the step budget, from a timer thread of its own (the scanning thread is the one that is stuck).
     */
    public void watchScan(ScanProgress progress) {
        health.watchScan(progress);
        StuckScanLog stuckLog = new StuckScanLog(progress, MonotonicClock.SYSTEM);
        scanWatch = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "scan-watch");
            t.setDaemon(true);
            return t;
        });
        scanWatch.scheduleWithFixedDelay(stuckLog::check, BEAT.toMillis(), BEAT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** An event of the directory watch. */
    public void watchEvent() {
        metrics.watchEvent();
    }

    /**
     * Starts the heartbeat on the reconcile thread and serves the endpoint (unless {@code healthzPort} is 0).
     *
     * @param runtimeHealth the runtime's health as the relister sees it, read by {@code /healthz}
     */
    public void start(Supplier<RuntimeHealth> runtimeHealth, ScheduledExecutorService reconcileLoop) {
        this.runtimeHealth = runtimeHealth;
        health.beat();
        reconcileLoop.scheduleWithFixedDelay(health::beat, BEAT.toMillis(), BEAT.toMillis(), TimeUnit.MILLISECONDS);
        if (config.healthzPort() == 0) {
            return;
        }
        server = new HealthServer(config.healthzBindAddress(), config.healthzPort(), Map.of(
                "/healthz", this::healthz,
                "/metrics", query -> new HealthServer.Response(200, metrics.contentType(),
                        HealthServer.render(metrics::write)),
                "/pods", query -> new HealthServer.Response(200, "application/json",
                        json.writeValueAsBytes(board == null ? null : board.board()))));
        server.start();
    }

    /**
     * What the node API reads of the agent: the static pods and their statuses (as the status board has them), what
     * the runtime runs of each ({@code live}: the agent's pod cache), the health checks of {@code /healthz} and the
     * metrics registry.
     */
    public NodeApiBackend nodeApiBackend(StaticPodLogs logs, Streaming streaming,
                                         Function<StaticPod, StaticPodView.Live> live) {
        StaticPods pods = new StaticPods() {
            @Override
            public List<StaticPodView> list() {
                return board == null ? List.of() : board.pods().stream()
                        .map(e -> new StaticPodView(e.pod(), e.status(), live.apply(e.pod()))).toList();
            }

            @Override
            public java.util.Optional<StaticPodView> find(String namespace, String name) {
                return list().stream().filter(v -> v.pod().key().namespace().equals(namespace)
                        && v.pod().key().name().equals(name)).findFirst();
            }
        };
        NodeApiBackend.Metrics registry = new NodeApiBackend.Metrics() {
            @Override
            public String contentType() {
                return metrics.contentType();
            }

            @Override
            public void write(java.io.OutputStream out) throws java.io.IOException {
                metrics.write(out);
            }
        };
        return new NodeApiBackend(pods, logs, streaming, () -> {
            HealthChecks.Result r = health.check();
            return new NodeApiBackend.Health.Report(r.healthy(), r.lines());
        }, registry);
    }

    /** The port bound by the endpoint, or -1. */
    public int port() {
        return server == null ? -1 : server.port();
    }

    private HealthServer.Response healthz(String query) {
        HealthChecks.Result result = health.check();
        boolean verbose = query != null && query.contains("verbose");
        if (result.healthy() && !verbose) {
            return HealthServer.Response.text(200, "ok");
        }
        String body = String.join("\n", result.lines()) + "\n"
                + (result.healthy() ? "healthz check passed\n" : "healthz check failed\n");
        return HealthServer.Response.text(result.healthy() ? 200 : 500, body);
    }

    @Override
    public void close() {
        if (scanWatch != null) {
            scanWatch.shutdownNow();
        }
        if (server != null) {
            server.close();
        }
    }
}
