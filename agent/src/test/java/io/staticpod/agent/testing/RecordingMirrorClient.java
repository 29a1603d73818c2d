package io.staticpod.agent.testing;

import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;
import io.staticpod.mirror.MirrorClient;
import io.staticpod.mirror.PodEvent;
import io.staticpod.mirror.PodStatus;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A mirror client that remembers what it was told. */
public final class RecordingMirrorClient implements MirrorClient {
    public final Map<PodKey, PodStatus> statuses = new ConcurrentHashMap<>();
    public final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void start() {
    }

    @Override
    public void desiredPods(Map<PodKey, StaticPod> pods) {
    }

    @Override
    public void podStatus(PodKey key, PodStatus status) {
        statuses.put(key, status);
    }

    @Override
    public void podEvent(PodKey key, PodEvent event) {
        events.add(event.type() + " " + event.reason() + " " + event.container() + ": " + event.message());
    }

    @Override
    public void close() {
    }
}
