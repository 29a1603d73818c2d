package io.staticpod.mirror.api;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The watch of this node's pods, as the kubelet's API source: a fabric8 informer listing and watching pods with
 * {@code fieldSelector=spec.nodeName=<node>} (the Node authorizer lets a node list and watch those). It keeps the
 * latest event of each mirror pod of this node until the worker takes them, so a mirror deleted or edited through the
 * API is seen at once, and it tells when it has listed them all (orphans are deleted only after that).
 *
 * <p>Assumptions: fabric8 re-lists and re-watches by itself after the watch breaks; a watch that hangs without
 * breaking is only noticed by fabric8's watch timeout.
 */
final class PodWatch {
    private static final Logger log = LoggerFactory.getLogger(PodWatch.class);

    private final KubernetesClient client;
    private final String nodeName;
    private final Runnable onEvent;
    /** The latest event per mirror UID since the worker last took them, in order. Guarded by itself. */
    private final Map<String, Observed> observed = new LinkedHashMap<>();
    private volatile SharedIndexInformer<GenericKubernetesResource> informer; // set by the worker, stopped by close()

    /** @param onEvent called on the watch's thread after each event about a mirror pod of this node */
    PodWatch(KubernetesClient client, String nodeName, Runnable onEvent) {
        this.client = client;
        this.nodeName = nodeName;
        this.onEvent = onEvent;
    }

    /** Starts the watch, once. Worker thread. */
    void start() {
        if (informer != null) {
            return;
        }
        informer = client.genericKubernetesResources(MirrorPodObjects.PODS).inAnyNamespace()
                .withField("spec.nodeName", nodeName).runnableInformer(0);
        informer.exceptionHandler((isStarted, t) -> {
            log.debug("Watch of this node's pods failed, fabric8 retries node={} error={}", nodeName,
                    Failures.message(t));
            return true;
        });
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource pod) {
                observe(pod, false);
            }

            @Override
            public void onUpdate(GenericKubernetesResource oldPod, GenericKubernetesResource newPod) {
                observe(newPod, false);
            }

            @Override
            public void onDelete(GenericKubernetesResource pod, boolean deletedFinalStateUnknown) {
                observe(pod, true);
            }
        });
        informer.start();
    }

    private void observe(GenericKubernetesResource pod, boolean deleted) {
        log.debug("Watched pod={}/{} deleted={}", pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
                deleted);
        if (!MirrorPodObjects.isMirrorOn(pod, nodeName)) {
            return;
        }
        synchronized (observed) {
            String uid = MirrorPodObjects.uid(pod);
            observed.remove(uid); // re-inserted last: the order of each UID's latest event is kept
            observed.put(uid, new Observed(pod, deleted));
        }
        onEvent.run();
    }

    /** What the watch saw since the last call, the latest event per mirror, oldest first. Worker thread. */
    List<Observed> take() {
        synchronized (observed) {
            List<Observed> batch = new ArrayList<>(observed.values());
            observed.clear();
            return batch;
        }
    }

    /** This node's pods as the watch has them, once it has listed them; null before. Worker thread. */
    List<GenericKubernetesResource> listed() {
        return informer != null && informer.hasSynced() ? informer.getStore().list() : null;
    }

    void stop() {
        if (informer != null) {
            informer.stop();
        }
    }

    /** A mirror pod of this node as the watch saw it, or its deletion. */
    record Observed(GenericKubernetesResource pod, boolean deleted) {
    }
}
