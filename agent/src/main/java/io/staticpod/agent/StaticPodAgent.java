package io.staticpod.agent;

import io.staticpod.agent.clock.MonotonicClock;
import io.staticpod.agent.desired.DesiredState;
import io.staticpod.agent.health.Observability;
import io.staticpod.agent.logrotation.LogRotator;
import io.staticpod.agent.nodeapi.NodeApiBackend;
import io.staticpod.agent.nodeapi.NodeApiServer;
import io.staticpod.agent.nodeapi.StaticPodLogs;
import io.staticpod.agent.nodeapi.StaticPodView;
import io.staticpod.agent.nodeapi.Streaming;
import io.staticpod.agent.launch.EnvResolver;
import io.staticpod.agent.launch.LaunchConfigs;
import io.staticpod.agent.launch.NodeMemory;
import io.staticpod.agent.launch.SyscallHostMounts;
import io.staticpod.agent.launch.Volumes;
import io.staticpod.agent.pod.ManifestErrors;
import io.staticpod.agent.pod.PodSupervisor;
import io.staticpod.agent.pod.PodThreads;
import io.staticpod.agent.pod.PodWorkers;
import io.staticpod.agent.probe.HostAddress;
import io.staticpod.agent.probe.ProbeHandler;
import io.staticpod.agent.probe.Prober;
import io.staticpod.agent.relist.PodCache;
import io.staticpod.agent.relist.Relister;
import io.staticpod.agent.relist.RuntimeHealth;
import io.staticpod.agent.status.PodStatuses;
import io.staticpod.agent.sync.PodSync;
import io.staticpod.agent.sync.RestartHistory;
import io.staticpod.agent.reload.ConfigReloader;
import io.staticpod.agent.source.FileManifestSource;
import io.staticpod.config.AgentConfig;
import io.staticpod.config.ConfigLoader;
import io.staticpod.config.NodeApiConfig;
import io.staticpod.manifest.ManifestReader;
import io.staticpod.manifest.WellKnown;
import io.staticpod.mirror.AccessReviews;
import io.staticpod.mirror.ApiRequestListener;
import io.staticpod.mirror.MirrorClient;
import io.staticpod.mirror.NodeReadiness;
import io.staticpod.mirror.api.MirrorClients;
import io.staticpod.mirror.api.NodeFacts;
import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.RuntimeVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The daemon, wired in this one class: manifest source → desired state (one reconcile thread: one
 * {@link io.staticpod.agent.desired.DesiredChange} per snapshot) → pod lanes → runtime; the relister on its own
 * thread, whose health {@code /healthz} and the Node's Ready condition read; orphans decided on the reconcile
 * thread. Stopping it leaves the pods running, as stopping the kubelet does.
 */
public final class StaticPodAgent {
    private static final Logger log = LoggerFactory.getLogger(StaticPodAgent.class);
    static final Duration RELIST_PERIOD = Duration.ofSeconds(1);

    private final AgentConfig config;
    private final String[] args;
    /** The API server's token and access reviews for the node API, once its client is built. */
    private final AtomicReference<AccessReviews> reviews = new AtomicReference<>();

    public StaticPodAgent(AgentConfig config) {
        this(config, null);
    }

    /** @param args the command line the config came from, read again on SIGHUP; null: no reload */
    public StaticPodAgent(AgentConfig config, String[] args) {
        this.config = config;
        this.args = args;
        this.reviews.set(config.kubeconfig() == null ? AccessReviews.NONE : PENDING);
    }

    /** Until the API server's client is built (seconds), reviews cannot be asked: 503, never allowed. */
    private static final AccessReviews PENDING = new AccessReviews() {
        @Override
        public TokenVerdict reviewToken(String token) {
            throw new Unavailable("the API server client is still being set up");
        }

        @Override
        public AccessVerdict review(AccessRequest request) {
            throw new Unavailable("the API server client is still being set up");
        }
    };

    /**
     * Runs until the JVM is asked to stop.
     *
     * @throws IllegalArgumentException when the runtime named by the configuration cannot be used (the message names
     *                                  the flag)
     */
    public void run() {
        log.info("Starting static-pod-agent version={} node={} runtime={} endpoint={} staticPodPath={}", version(),
                config.nodeName(), config.runtime(), config.effectiveRuntimeEndpoint(), config.staticPodPath());
        if (!config.ignoredFields().isEmpty()) {
            log.info("Config fields accepted but not acted on by this agent fields={}", config.ignoredFields());
        }
        Observability ops = new Observability(config, InstantSource.system());
        RuntimeAdapters.Opened adapter = RuntimeAdapters.open(config);
        ContainerRuntime runtime = ops.meter(adapter.runtime());
        try {
            log.info("Container runtime answers version=\"{}\"", runtime.version());
        } catch (RuntimeException e) {
            log.error("Container runtime does not answer; static pods start as soon as it does runtime={} error={}",
                    runtime.name(), e.getMessage());
        }

        ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "reconcile");
            t.setDaemon(true);
            return t;
        });
        Relister relister = relister(runtime, config.nodeName(), MonotonicClock.SYSTEM);
        MirrorClient mirror = ops.observe(mirrorClient(runtime, ops.metrics(), () -> { // the Node's Ready condition
            RuntimeHealth health = relister.health();
            return new NodeReadiness.Runtime(health.ready(), health.message());
        }));
        PodSupervisor pods = pods(runtime, config.nodeName(), config.rootDir(), InstantSource.system(),
                MonotonicClock.SYSTEM, mirror, relister, adapter.sandboxImage(), loop);
        DesiredState state = new DesiredState();
        FileManifestSource source = new FileManifestSource(config.staticPodPath(), config.fileCheckFrequency(),
                new ManifestReader(config.nodeName()), snapshot -> { // on the reconcile thread
                    pods.apply(state.apply(snapshot));
                    ops.scanned(snapshot);
                }, loop);
        ScheduledExecutorService upkeep = upkeep(runtime, adapter);
        source.onWatchEvent(ops::watchEvent);
        ops.watchScan(source.progress());
        NodeApiServer nodeApi = nodeApi(ops, runtime, pods);
        source.strictPermissions(config.strictManifestPermissions());

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("Stopping static-pod-agent; static pods keep running");
            ops.close();
            if (nodeApi != null) {
                nodeApi.close();
            }
            source.close();
            pods.close();
            runtime.close();
            mirror.close();
            upkeep.shutdownNow();
            loop.shutdownNow();
            stopped.countDown();
        }, "shutdown"));
        // SIGHUP is caught before anything is served: once /healthz answers, a reload must never meet the JVM's own
        // SIGHUP handling (which ends the process)
        if (args != null) {
            new ConfigReloader(args, config, frequency -> {
                source.recheckEvery(frequency);
                ops.health().fileCheckFrequency(frequency);
            }, strict -> {
                source.strictPermissions(strict);
                source.requestScan();
            }).install();
        }
        mirror.start();
        pods.start(RELIST_PERIOD, config.syncFrequency());
        source.start();
        ops.start(relister::health, loop); // /healthz
        if (nodeApi != null) {
            nodeApi.start();
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The runtime's upkeep on a thread of its own: the check of a CRI runtime's own sandbox image, and the rotation of
     * log files the runtime writes ({@code containerLogMaxSize}, {@code containerLogMaxFiles}).
     */
    private ScheduledExecutorService upkeep(ContainerRuntime runtime, RuntimeAdapters.Opened adapter) {
        ScheduledExecutorService upkeep = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "runtime-upkeep");
            t.setDaemon(true);
            return t;
        });
        if (adapter.runtimeSandboxImage() != null) {
            new SandboxImageCheck(runtime.name(), adapter.runtimeSandboxImage(), runtime.images())
                    .start(upkeep, Duration.ofSeconds(5));
        }
        if (LogRotator.applies(runtime)) {
            new LogRotator(runtime, Map.of(WellKnown.OWNER, config.nodeName()), config.containerLogs(), Clock.systemUTC())
                    .start(upkeep, LogRotator.PERIOD);
        }
        return upkeep;
    }

    /**
     * The relister of this node's containers with the pod cache it fills, not started: built before the mirror client
     * and the pod layer, which read its health and its cache.
     *
     * @param monotonic what the relister's health and the cache's ages are measured on
     */
    public static Relister relister(ContainerRuntime runtime, String nodeName, InstantSource monotonic) {
        PodCache cache = new PodCache(runtime, key -> LaunchConfigs.podSelector(nodeName, key), monotonic);
        return new Relister(runtime, LaunchConfigs.ownerSelector(nodeName), cache, monotonic);
    }

    /**
     * The pod layer wired: lanes running each pod's sync (launch configs, volumes with the host's mounts, probes,
     * statuses, restart history) on the runtime, and the relister's pod cache, on their threads; desired changes and
     * orphan decisions arrive on {@code reconcile}.
     *
     * @param wall         the system clock (the runtime's times are on it)
     * @param monotonic    what back-off and timers are measured on
     * @param relister     the relister ({@link #relister}), not started: the supervisor starts it
     * @param sandboxImage the image the runtime runs sandboxes of, pulled when missing; null when the runtime sees to
     *                     its own
     */
    public static PodSupervisor pods(ContainerRuntime runtime, String nodeName, Path rootDir, InstantSource wall,
                                     InstantSource monotonic, MirrorClient mirror, Relister relister,
                                     String sandboxImage, Executor reconcile) {
        PodThreads threads = PodThreads.create();
        Volumes volumes = new Volumes(rootDir, new SyscallHostMounts());
        String nodeAddress = HostAddress.primary();
        LaunchConfigs launch = new LaunchConfigs(nodeName, volumes, new EnvResolver(nodeName, nodeAddress,
                Runtime.getRuntime().availableProcessors(), NodeMemory.totalBytes()),
                runtime.capabilities().logFiles() ? LaunchConfigs.POD_LOGS : null, runtime.capabilities().runAsUser());
        ProbeHandler handler = new ProbeHandler(mirror);
        Prober prober = new Prober(runtime.capabilities().exec() ? runtime.exec().orElse(null) : null, runtime.name(),
                threads.probes(), wall, handler);
        PodCache cache = relister.cache();
        ManifestErrors errors = new ManifestErrors();
        PodSync sync = new PodSync(runtime, launch, cache, new RestartHistory(wall, monotonic), prober,
                new PodStatuses(runtime.name(), prober, volumes, runtime.logs().orElse(null)), mirror, errors::get,
                threads.stoppers(), nodeAddress, sandboxImage);
        PodWorkers workers = new PodWorkers(sync::sync, threads.lanes(), threads.timer(), monotonic);
        handler.wakeWith(workers::wake);
        return new PodSupervisor(threads, workers, relister, volumes, mirror, errors, reconcile);
    }

    /** @param readiness the runtime's health, read for the Node's Ready condition */
    private MirrorClient mirrorClient(ContainerRuntime runtime, ApiRequestListener metrics, NodeReadiness readiness) {
        if (config.kubeconfig() == null) {
            log.info("No --kubeconfig: running standalone, no mirror pods are published");
            return MirrorClient.NONE;
        }
        log.info("Publishing mirror pods kubeconfig={} node={}", config.kubeconfig(), config.nodeName());
        return new DeferredMirrorClient(() -> {
            String runtimeVersion;
            try {
                RuntimeVersion v = runtime.version();
                runtimeVersion = v.runtimeName() + "://" + v.runtimeVersion();
            } catch (RuntimeException e) {
                runtimeVersion = runtime.name() + "://unknown";
            }
            MirrorClients.Connection api = MirrorClients.connect(config.kubeconfig(), NodeFacts.detect(
                    config.nodeName(), config.nodeLabels(), runtimeVersion, config.nodeApi().nodeIp(),
                    config.nodeApi().port()), metrics, readiness);
            reviews.set(api.reviews());
            return api.mirror();
        });
    }

    /**
     * The node API on {@code address:port}, or null when the port is 0. On a runtime without logs (the docker CLI
     * adapter) it answers log requests with 501 and says which runtimes serve them; on one without a streaming
     * server (all but CRI) it answers exec, attach and port-forward so.
     */
    private NodeApiServer nodeApi(Observability ops, ContainerRuntime runtime, PodSupervisor pods) {
        NodeApiConfig api = config.nodeApi();
        if (!api.enabled()) {
            log.info("Node API disabled (port 0): kubectl logs and exec do not reach this node");
            return null;
        }
        if (config.kubeconfig() == null && api.authorizationMode() == NodeApiConfig.AuthorizationMode.WEBHOOK) {
            log.info("Node API without --kubeconfig cannot ask the API server (authorization.mode Webhook): every "
                    + "authenticated request is answered 503; set authorization.mode AlwaysAllow with a client CA to use"
                    + " it standalone");
        }
        NodeApiBackend backend = ops.nodeApiBackend(StaticPodLogs.of(runtime), Streaming.of(runtime),
                pod -> StaticPodView.Live.of(name -> pods.runningContainer(pod, name), () -> pods.readySandbox(pod)));
        String hostIp = api.nodeIp() != null ? api.nodeIp() : NodeFacts.primaryIpv4().orElse("127.0.0.1");
        return new NodeApiServer(api, NodeApiServer.Options.defaults(config.nodeName(), hostIp, config.rootDir()),
                backend, reviews::get);
    }

    static String version() {
        return ConfigLoader.version();
    }
}
