package io.staticpod.agent.metrics;

import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;
import io.staticpod.mirror.MirrorClient;
import io.staticpod.mirror.PodEvent;
import io.staticpod.mirror.PodStatus;

import java.util.Map;

/**
 * A {@link MirrorClient} that times the agent's calls into the client and counts those that throw. The client only
 * queues work, so these measure the agent's side; the API server requests themselves are measured by the client
 * through {@link AgentMetrics#apiRequest}.
 */
final class MeteredMirrorClient implements MirrorClient {
    private final MirrorClient delegate;
    private final AgentMetrics metrics;

    MeteredMirrorClient(MirrorClient delegate, AgentMetrics metrics) {
        this.delegate = delegate;
        this.metrics = metrics;
    }

    @Override
    public void start() {
        timed("start", delegate::start);
    }

    @Override
    public void desiredPods(Map<PodKey, StaticPod> pods) {
        timed("desiredPods", () -> delegate.desiredPods(pods));
    }

    @Override
    public void podStatus(PodKey key, PodStatus status) {
        timed("podStatus", () -> delegate.podStatus(key, status));
    }

    @Override
    public void podEvent(PodKey key, PodEvent event) {
        timed("podEvent", () -> delegate.podEvent(key, event));
    }

    @Override
    public void close() {
        delegate.close();
    }

    private void timed(String method, Runnable call) {
        long start = System.nanoTime();
        boolean failed = true;
        try {
            call.run();
            failed = false;
        } finally {
            metrics.mirrorCall(method, System.nanoTime() - start, failed);
        }
    }
}
