package io.staticpod.agent.probe;

import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.model.Container;
import io.staticpod.manifest.model.Probe;
import io.staticpod.runtime.spi.ExecSync;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the liveness, readiness and startup probes of running containers, with the kubelet's semantics: readiness
 * starts as not ready, liveness as healthy, startup as unknown; a startup probe holds the other two back until it
 * succeeds; a result flips only after {@code failureThreshold} (or {@code successThreshold}) consecutive results;
 * nothing is probed during {@code initialDelaySeconds}; after a liveness or startup failure the worker stops, and
 * the container's next instance gets new workers.
 *
 * <p>Workers are keyed by container id; {@link #track} starts them for a container and {@link #retain} stops those
 * of containers that are gone. Thread-safe.
 */
public final class Prober {
    private static final Logger log = LoggerFactory.getLogger(Prober.class);

    private final ProbeRunner runner;
    private final ScheduledExecutorService scheduler;
    private final InstantSource clock;
    private final ProbeListener listener;
    private final Map<String, ContainerProbes> byContainer = new ConcurrentHashMap<>();

    /** What the prober tells the rest of the agent. */
    public interface ProbeListener {
        /** A container's readiness (or startup) changed: its pod's status should be reported again. */
        void changed(PodKey pod);

        /**
         * A liveness or startup probe failed {@code failureThreshold} times: the container must be restarted (its
         * pod's sync does it; {@link #failed} says so from now on).
         */
        void unhealthy(PodKey pod, String container, String containerId, String probe, String message);
    }

    /**
     * @param exec        how exec probes run, or null when the runtime cannot (they fail, saying so)
     * @param runtimeName for that message
     */
    public Prober(ExecSync exec, String runtimeName, ScheduledExecutorService scheduler, InstantSource clock,
                  ProbeListener listener) {
        this.runner = new ProbeRunner(exec, runtimeName);
        this.scheduler = scheduler;
        this.clock = clock;
        this.listener = listener;
    }

    /**
     * Starts probing a running container unless it is already probed. {@code host} is where network probes
     * without a host go (the pod IP, or the node's address for a host-network pod).
     */
    public void track(PodKey pod, Container container, String containerId, Instant startedAt, String host) {
        if (!container.probes().any()) {
            return;
        }
        byContainer.computeIfAbsent(containerId, id -> {
            ContainerProbes probes = new ContainerProbes(pod, container, id, host);
            probes.start(startedAt == null ? clock.instant() : startedAt);
            return probes;
        });
    }

    /** Stops the workers of every container of {@code pod} whose id is not in {@code running}. */
    public void retain(PodKey pod, Set<String> running) {
        byContainer.values().removeIf(p -> {
            if (p.pod.equals(pod) && !running.contains(p.containerId)) {
                p.stop();
                return true;
            }
            return false;
        });
    }

    /** True when the container has no readiness probe or its readiness probe succeeds (and it has started). */
    public boolean ready(String containerId, Container container) {
        ContainerProbes p = byContainer.get(containerId);
        if (p == null) {
            return container.probes().readiness() == null && container.probes().startup() == null;
        }
        return p.started && p.ready;
    }

    /**
     * {@code Liveness} or {@code Startup} when that probe of the container failed {@code failureThreshold} times (the
     * container must be stopped), else null.
     */
    public String failed(String containerId) {
        ContainerProbes p = byContainer.get(containerId);
        return p == null ? null : p.failedProbe;
    }

    /** True when the container has no startup probe or its startup probe succeeded. */
    public boolean started(String containerId, Container container) {
        ContainerProbes p = byContainer.get(containerId);
        return p == null ? container.probes().startup() == null : p.started;
    }

    /** The probes of one container instance. Fields written by worker threads are volatile. */
    private final class ContainerProbes {
        final PodKey pod;
        final Container container;
        final String containerId;
        final String host;
        volatile boolean started;
        volatile boolean ready;
        volatile boolean stopped;
        volatile String failedProbe;
        final Map<String, ScheduledFuture<?>> futures = new ConcurrentHashMap<>();

        ContainerProbes(PodKey pod, Container container, String containerId, String host) {
            this.pod = pod;
            this.container = container;
            this.containerId = containerId;
            this.host = host;
            this.started = container.probes().startup() == null;
            this.ready = container.probes().readiness() == null;
        }

        void start(Instant startedAt) {
            schedule("startup", container.probes().startup(), startedAt);
            schedule("liveness", container.probes().liveness(), startedAt);
            schedule("readiness", container.probes().readiness(), startedAt);
        }

        private void schedule(String kind, Probe probe, Instant startedAt) {
            if (probe == null) {
                return;
            }
            Worker worker = new Worker(kind, probe);
            // How long it has run, from the runtime's start time, is only trusted within [0, initialDelaySeconds]: a
            // system clock set back must not hold the first probe for hours. From here on the scheduler's monotonic
            // delays take over.
            Duration initialDelay = Duration.ofSeconds(probe.initialDelaySeconds());
            Duration running = Duration.between(startedAt, clock.instant());
            running = running.isNegative() ? Duration.ZERO : running.compareTo(initialDelay) > 0 ? initialDelay : running;
            long delay = initialDelay.minus(running).toMillis();
            futures.put(kind, scheduler.scheduleWithFixedDelay(worker, delay, probe.periodSeconds() * 1000L,
                    TimeUnit.MILLISECONDS));
        }

        void stop() {
            stopped = true;
            futures.values().forEach(f -> f.cancel(false));
        }

        /** One probe of one container, run by the scheduler every period. */
        private final class Worker implements Runnable {
            final String kind;
            final Probe probe;
            int successes;
            int failures;
            boolean result;

            Worker(String kind, Probe probe) {
                this.kind = kind;
                this.probe = probe;
                this.result = kind.equals("liveness");
            }

            @Override
            public void run() {
                if (stopped || (!kind.equals("startup") && !started)) {
                    return; // startup gates the others
                }
                ProbeRunner.Outcome outcome;
                try {
                    outcome = runner.run(probe, containerId, host, container.ports());
                } catch (RuntimeException e) {
                    outcome = new ProbeRunner.Outcome(false, e.toString());
                }
                if (outcome.success()) {
                    failures = 0;
                    successes++;
                    if (!result && successes >= probe.successThreshold()) {
                        result = true;
                        onChange(true, outcome);
                    }
                } else {
                    successes = 0;
                    failures++;
                    log.debug("Probe failed pod={} container={} probe={} failures={} message={}", pod,
                            container.name(), kind, failures, outcome.message());
                    if ((result || kind.equals("startup") || kind.equals("liveness"))
                            && failures >= probe.failureThreshold()) {
                        result = false;
                        onChange(false, outcome);
                    }
                }
            }

            private void onChange(boolean ok, ProbeRunner.Outcome outcome) {
                switch (kind) {
                    case "startup" -> {
                        if (ok) {
                            started = true;
                            futures.get(kind).cancel(false);
                            listener.changed(pod);
                        } else {
                            stop();
                            failedProbe = "Startup";
                            listener.unhealthy(pod, container.name(), containerId, "Startup", outcome.message());
                        }
                    }
                    case "liveness" -> {
                        if (!ok) {
                            stop();
                            failedProbe = "Liveness";
                            listener.unhealthy(pod, container.name(), containerId, "Liveness", outcome.message());
                        }
                    }
                    default -> {
                        ready = ok;
                        log.info("Readiness of static pod container changed pod={} container={} ready={}{}", pod,
                                container.name(), ok, ok ? "" : " message=\"" + outcome.message() + "\"");
                        listener.changed(pod);
                    }
                }
            }
        }
    }
}
