package io.staticpod.agent;

import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;
import io.staticpod.mirror.MirrorClient;
import io.staticpod.mirror.PodEvent;
import io.staticpod.mirror.PodStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class DeferredMirrorClientTest {

    @Test
    void handsTheLatestDesiredSetAndStatusesToTheClientOnceItIsBuiltAndNeverBlocksMeanwhile() {
        List<String> calls = new CopyOnWriteArrayList<>();
        CountDownLatch slowBuild = new CountDownLatch(1);
        MirrorClient real = new MirrorClient() {
            @Override
            public void start() {
                calls.add("start");
            }

            @Override
            public void desiredPods(Map<PodKey, StaticPod> pods) {
                calls.add("desired " + pods.size());
            }

            @Override
            public void podStatus(PodKey key, PodStatus status) {
                calls.add("status " + key + " " + status.phase());
            }

            @Override
            public void podEvent(PodKey key, PodEvent event) {
                calls.add("event " + event.reason());
            }

            @Override
            public void close() {
            }
        };
        DeferredMirrorClient deferred = new DeferredMirrorClient(() -> {
            try {
                slowBuild.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return real;
        });
        PodKey key = new PodKey("default", "web-n1");

        deferred.start();
        deferred.desiredPods(Map.of());
        deferred.podStatus(key, new PodStatus("u1", PodStatus.Phase.Pending, null, null, null, null, null));
        deferred.podStatus(key, new PodStatus("u1", PodStatus.Phase.Running, null, null, null, null, null));
        deferred.podEvent(key, new PodEvent(PodEvent.Type.Normal, "Started", "", "app"));
        slowBuild.countDown();

        await().atMost(Duration.ofSeconds(5)).until(() -> calls.size() == 4);
        assertThat(calls).containsExactly("start", "desired 0", "status default/web-n1 Running", "event Started");
        deferred.podEvent(key, new PodEvent(PodEvent.Type.Normal, "Killing", "", "app"));
        assertThat(calls).endsWith("event Killing");
    }

    @Test
    void holdsABoundedBufferWhileTheClientIsBuiltKeepingTheLatestEventsAndOnlyDesiredPodsStatuses() {
        List<String> calls = new CopyOnWriteArrayList<>();
        CountDownLatch slowBuild = new CountDownLatch(1);
        MirrorClient real = new MirrorClient() {
            @Override
            public void start() {
            }

            @Override
            public void desiredPods(Map<PodKey, StaticPod> pods) {
            }

            @Override
            public void podStatus(PodKey key, PodStatus status) {
                calls.add("status " + key.name());
            }

            @Override
            public void podEvent(PodKey key, PodEvent event) {
                calls.add("event " + event.message());
            }

            @Override
            public void close() {
            }
        };
        DeferredMirrorClient deferred = new DeferredMirrorClient(() -> {
            try {
                slowBuild.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return real;
        });
        PodKey gone = new PodKey("default", "gone-n1");
        deferred.podStatus(gone, new PodStatus("u1", PodStatus.Phase.Running, null, null, null, null, null));
        deferred.desiredPods(Map.of());
        int offered = DeferredMirrorClient.MAX_EVENTS * 3;
        for (int i = 0; i < offered; i++) {
            deferred.podEvent(gone, new PodEvent(PodEvent.Type.Warning, "BackOff", "e" + i, "app"));
        }
        slowBuild.countDown();

        await().atMost(Duration.ofSeconds(5)).until(() -> calls.size() == DeferredMirrorClient.MAX_EVENTS);
        assertThat(calls).doesNotContain("status gone-n1");
        assertThat(calls.get(0)).isEqualTo("event e" + (offered - DeferredMirrorClient.MAX_EVENTS));
        assertThat(calls.get(calls.size() - 1)).isEqualTo("event e" + (offered - 1));
    }
}
