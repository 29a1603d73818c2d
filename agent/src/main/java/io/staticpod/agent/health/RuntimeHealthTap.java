package io.staticpod.agent.health;

import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;
import io.staticpod.mirror.MirrorClient;
import io.staticpod.mirror.PodEvent;
import io.staticpod.mirror.PodStatus;

import java.util.Map;

/**
 * The mirror client, unchanged, except that the runtime's health (which the relister reports for the Node's Ready
 * condition) also reaches {@code /healthz}: one signal, in standalone mode too.
 */
final class RuntimeHealthTap implements MirrorClient {
    private final MirrorClient delegate;
    private final HealthChecks health;

    RuntimeHealthTap(MirrorClient delegate, HealthChecks health) {
        this.delegate = delegate;
        this.health = health;
    }

    @Override
    public void start() {
        delegate.start();
    }

    @Override
    public void desiredPods(Map<PodKey, StaticPod> pods) {
        delegate.desiredPods(pods);
    }

    @Override
    public void podStatus(PodKey key, PodStatus status) {
        delegate.podStatus(key, status);
    }

    @Override
    public void podEvent(PodKey key, PodEvent event) {
        delegate.podEvent(key, event);
    }

    @Override
    public void runtimeHealth(boolean ready, String message) {
        health.runtime(ready, message);
        delegate.runtimeHealth(ready, message);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
