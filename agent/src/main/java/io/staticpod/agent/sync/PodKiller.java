package io.staticpod.agent.sync;

import io.staticpod.agent.relist.ContainerView;
import io.staticpod.manifest.PodKey;
import io.staticpod.mirror.MirrorClient;
import io.staticpod.mirror.PodEvent;
import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.Sandbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Stops containers the way the kubelet kills a pod: every container at once, each with its preStop hook and then its
 * pod's grace period, what the hook left of it ({@link LifecycleHooks}: its stop signal, then SIGKILL), and only then
 * the sandboxes. Blocks until done; the first failure is thrown once every
 * stop has ended.
 */
final class PodKiller {
    private static final Logger log = LoggerFactory.getLogger(PodKiller.class);

    private final ContainerRuntime runtime;
    private final Executor parallel;
    private final MirrorClient mirror;
    private final LifecycleHooks hooks;

    PodKiller(ContainerRuntime runtime, Executor parallel, MirrorClient mirror, LifecycleHooks hooks) {
        this.runtime = runtime;
        this.parallel = parallel;
        this.mirror = mirror;
        this.hooks = hooks;
    }

    /**
     * Stops {@code containers} (those running) and then {@code sandboxes}, all of pod {@code key}; removes them too
     * when {@code remove}.
     */
    void kill(PodKey key, List<ContainerView> containers, List<Sandbox> sandboxes, String why, boolean remove) {
        long start = System.nanoTime();
        long running = containers.stream().filter(ContainerView::running).count()
                + sandboxes.stream().filter(Sandbox::ready).count();
        if (running > 0) {
            log.info("Killing static pod containers pod={} running={} reason=\"{}\"", key, running, why);
        }
        containers.stream().filter(ContainerView::running).forEach(c -> mirror.podEvent(key, new PodEvent(
                PodEvent.Type.Normal, "Killing", "Stopping container " + c.name(), c.name())));
        all(containers, c -> {
            if (c.running()) {
                hooks.stop(key, c);
            }
            if (remove) {
                runtime.containers().remove(c.id());
            }
        });
        all(sandboxes, s -> {
            runtime.sandboxes().stop(s.id());
            if (remove) {
                runtime.sandboxes().remove(s.id());
            }
        });
        if (running > 0) {
            log.info("Stopped static pod containers pod={} took={}ms", key, (System.nanoTime() - start) / 1_000_000);
        }
    }

    /**
     * Stops containers of the running version, each for its reason, all at once; removes those the reason does not
     * keep for their logs.
     */
    void kill(PodKey key, List<PodActions.Kill> kills) {
        for (PodActions.Kill k : kills) {
            ContainerView c = k.container();
            log.info("Killing container of static pod pod={} container={} id={} reason=\"{}\"", key, c.name(),
                    PodExecutor.shortId(c.id()), k.reason().words());
            mirror.podEvent(key, new PodEvent(PodEvent.Type.Normal, "Killing", switch (k.reason()) {
                case LIVENESS -> "Container " + c.name() + " failed liveness probe, will be restarted";
                case STARTUP -> "Container " + c.name() + " failed startup probe, will be restarted";
                case SPEC_CHANGED -> "Container " + c.name() + " definition changed, will be restarted";
                case SANDBOX_CHANGED -> "Pod sandbox changed, container " + c.name() + " will be killed and "
                        + "re-created";
                default -> "Stopping container " + c.name();
            }, c.name()));
        }
        all(kills, k -> {
            ContainerView c = k.container();
            if (c.running() || c.state() == io.staticpod.runtime.spi.ContainerState.UNKNOWN) {
                hooks.stop(key, c);
            }
            if (!k.reason().keepForLogs()) {
                runtime.containers().remove(c.id());
            }
        });
    }

    private <T> void all(Collection<T> items, Consumer<T> action) {
        try {
            CompletableFuture.allOf(items.stream().map(i -> CompletableFuture.runAsync(() -> action.accept(i),
                    parallel)).toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }
}
