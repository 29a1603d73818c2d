package io.staticpod.mirror.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;
import io.staticpod.mirror.PodEvent;
import io.staticpod.mirror.PodStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fourth step of a pass: writes each pod's latest status to its mirror with {@code PATCH pods/<name>/status}, as
 * the kubelet's status manager: only a status that differs from the one last written to that mirror, only to a mirror
 * of the same pod version, again to a recreated mirror. A failure is that pod's alone and backs that pod off: the
 * status is asked again (to the mirror of the moment) until it is written, as the kubelet's status manager retries
 * on its sync, whatever the answer was. Every failure is logged at WARN once
 * per pod and cause (404 and 409 too: the mirror was replaced meanwhile, and the watch brings the new one), and the
 * number of failures once the status is written again; each failed request also counts in the request metrics. A
 * manifest error in the status becomes one Warning event.
 */
final class PodStatusWriter implements Step {
    private static final Logger log = LoggerFactory.getLogger(PodStatusWriter.class);

    private final RawRequests raw;
    private final NodeFacts facts;
    private final InstantSource wall;
    private final Timing timing;
    private final DesiredPods desired;
    private final MirrorPodSync mirrors;
    private final EventBuffer events;
    private final Map<PodKey, PodStatus> latest = new ConcurrentHashMap<>(); // written by any thread

    // worker thread only
    private final Map<PodKey, Written> written = new HashMap<>();
    private final Map<PodKey, Map<String, StatusMapper.Transition>> transitions = new HashMap<>();
    private final Map<PodKey, String> manifestErrorsReported = new HashMap<>();
    private final Map<PodKey, Failing> failing = new HashMap<>();
    private final Retry crashes;

    PodStatusWriter(RawRequests raw, NodeFacts facts, InstantSource wall, Timing timing, DesiredPods desired,
                    MirrorPodSync mirrors, EventBuffer events) {
        this.raw = raw;
        this.facts = facts;
        this.wall = wall;
        this.timing = timing;
        this.desired = desired;
        this.mirrors = mirrors;
        this.events = events;
        this.crashes = new Retry("Pod status step", "node=" + facts.name(), timing);
    }

    /** The pod's latest status. Any thread. */
    void offer(PodKey key, PodStatus status) {
        latest.put(key, status);
    }

    /** Forgets the statuses of pods no longer desired. Any thread. */
    void retain(Set<PodKey> keys) {
        latest.keySet().retainAll(keys);
    }

    @Override
    public void run(long now) {
        Map<PodKey, StaticPod> want = desired.get();
        if (want == null || !crashes.ready(now)) {
            return;
        }
        written.keySet().retainAll(want.keySet());
        transitions.keySet().retainAll(want.keySet());
        manifestErrorsReported.keySet().retainAll(want.keySet());
        failing.keySet().retainAll(want.keySet());
        for (Map.Entry<PodKey, PodStatus> e : new ArrayList<>(latest.entrySet())) {
            PodKey key = e.getKey();
            PodStatus status = e.getValue();
            GenericKubernetesResource mirror = mirrors.mirrorOf(key);
            if (!want.containsKey(key) || mirror == null || MirrorPodObjects.isTerminating(mirror)
                    || !status.uid().equals(MirrorPodObjects.mirrorHash(mirror))) {
                continue;
            }
            reportManifestError(key, status.manifestError());
            Failing f = failing.get(key);
            if (f != null && !f.retry.ready(now)) {
                continue;
            }
            write(key, status, mirror, now);
        }
        crashes.succeeded();
    }

    private void write(PodKey key, PodStatus status, GenericKubernetesResource mirror, long now) {
        String mirrorUid = MirrorPodObjects.uid(mirror);
        Written last = written.get(key);
        if (last != null && last.mirrorUid.equals(mirrorUid) && last.source.equals(status)) {
            return; // written as it is: a pass (five a second while events go out) maps nothing again
        }
        Map<String, StatusMapper.Transition> conds = transitions.computeIfAbsent(key, k -> new HashMap<>());
        Map<String, StatusMapper.Transition> before = Map.copyOf(conds);
        ObjectNode v1 = StatusMapper.toV1(status, facts.internalIp(), wall.instant(), conds);
        if (last != null && last.mirrorUid.equals(mirrorUid) && last.status.equals(v1)) {
            written.put(key, new Written(mirrorUid, v1, status));
            return;
        }
        try {
            GenericKubernetesResource updated = raw.patch("/api/v1/namespaces/" + key.namespace() + "/pods/"
                    + key.name() + "/status", PatchType.JSON, statusPatch(mirror, v1).toString(),
                    GenericKubernetesResource.class);
            written.put(key, new Written(mirrorUid, v1, status));
            mirrors.statusWritten(key, updated);
            Failing f = failing.remove(key);
            if (f != null) {
                log.info("Pod status written again after failures pod={} failures={}", key, f.count);
            }
        } catch (KubernetesClientException ex) {
            conds.clear();
            conds.putAll(before);
            if (Failures.stopsPass(ex)) {
                throw ex;
            }
            failed(key, ex, now);
        }
    }

    /**
     * The write failed: this pod backs off and its status is asked again, to whatever mirror the watch has by then.
     * Whatever the answer (5xx; 404 or 409: the mirror was replaced meanwhile, or a proxy refused; a refusal), the
     * status is not taken as written: a refused status that nothing changes afterwards would stay unwritten for good.
     */
    private void failed(PodKey key, KubernetesClientException e, long now) {
        Failing f = failing.computeIfAbsent(key, k -> new Failing(new Retry("Pod status update", "pod=" + k, timing)));
        f.count++;
        f.retry.failedQuietly(now, e);
        if (f.causes.add(Failures.cause(e))) {
            log.warn("Pod status not written; retrying with back-off pod={} code={} error={}", key, e.getCode(),
                    Failures.message(e));
        }
    }

    /**
     * A JSON patch: the mirror's UID as a precondition (a {@code test}, as the kubelet puts the UID in its patch),
     * then each of our status fields set whole, lists included (a merge patch would merge lists on some servers).
     * Fields the API server set (qosClass) stay.
     */
    private static ArrayNode statusPatch(GenericKubernetesResource mirror, ObjectNode v1) {
        ArrayNode ops = JsonNodeFactory.instance.arrayNode();
        ops.addObject().put("op", "test").put("path", "/metadata/uid").put("value", MirrorPodObjects.uid(mirror));
        if (!MirrorPodObjects.hasStatus(mirror)) {
            ops.addObject().put("op", "add").put("path", "/status").putObject("value");
        }
        v1.properties().forEach(f -> {
            if (!f.getValue().isNull()) {
                ops.addObject().put("op", "add").put("path", "/status/" + f.getKey()).set("value", f.getValue());
            }
        });
        return ops;
    }

    private void reportManifestError(PodKey key, String error) {
        if (error == null) {
            manifestErrorsReported.remove(key);
        } else if (!error.equals(manifestErrorsReported.get(key))) {
            manifestErrorsReported.put(key, error);
            events.offer(key, new PodEvent(PodEvent.Type.Warning, "FailedValidation", error, null));
        }
    }

    @Override
    public long nextIn(long now) {
        return Math.min(crashes.timerNanos(now), failing.values().stream()
                .mapToLong(f -> f.retry.timerNanos(now)).min().orElse(Long.MAX_VALUE));
    }

    @Override
    public void crashed(long now, Throwable e) {
        crashes.crashed(now, e);
    }

    /** The status last written to a mirror, by mirror UID. */
    /** What was last written to a mirror: the API's status and the agent's status it was mapped from. */
    private record Written(String mirrorUid, ObjectNode status, PodStatus source) {
    }

    /** A pod whose status writes fail: its back-off, the failures since the last write, the causes logged. */
    private static final class Failing {
        final Retry retry;
        final Set<String> causes = new HashSet<>();
        int count;

        Failing(Retry retry) {
            this.retry = retry;
        }
    }
}
