package io.staticpod.mirror.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;
import io.staticpod.mirror.PodEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The third step of a pass: makes this node's mirror pods match the desired static pods, as the kubelet's
 * {@code syncPod} and {@code deleteOrphanedMirrorPods}: creates a missing mirror; replaces one that is outdated (another
 * hash), being deleted (a deletionTimestamp from {@code kubectl delete}) or edited through the API; deletes mirrors no
 * static pod wants, once the {@link PodWatch} has listed them. The API server cannot update a mirror's spec for a
 * node, so replacing is delete (grace 0, the old UID as precondition) then create. Each pod's failures are its own
 * ({@link MirrorPodHolds}); the mirrors as last seen (watch, or our own writes) are what the status and event steps
 * write to.
 *
 * <p>Assumptions: this process is the only writer of this node's mirror pods. Worker thread only.
 */
final class MirrorPodSync implements Step {
    private static final Logger log = LoggerFactory.getLogger(MirrorPodSync.class);
    static final String EDITED_REASON = "MirrorPodSpecEdited";
    private static final int REMEMBERED_DELETIONS = 256;

    private final RawRequests raw;
    private final NodeFacts facts;
    private final Timing timing;
    private final DesiredPods desired;
    private final NodeRegistration registration;
    private final PodWatch watch;
    private final EventBuffer events;
    private final MirrorPodHolds holds;
    private final Retry orphanRetry;

    /** The mirrors as last seen (watch, or our own create/patch), by pod. */
    private final Map<PodKey, GenericKubernetesResource> current = new HashMap<>();
    /** Mirror UID → its mutable spec fields as the API server returned them on create (or as adopted). */
    private final Map<String, String> baselines = new HashMap<>();
    /** Mirror UID → the mirror object last found unedited; the same object is not compared again on every pass. */
    private final Map<String, GenericKubernetesResource> unedited = new HashMap<>();
    /** UIDs of mirrors this client deleted: late watch events about them are ignored. */
    private final Set<String> deleted = new LinkedHashSet<>();
    /** Pods whose mirror was replaced because of an edit: the Warning goes to the new mirror. */
    private final Map<PodKey, StaticPod> editWarnings = new HashMap<>();
    private boolean again;

    MirrorPodSync(RawRequests raw, NodeFacts facts, Timing timing, DesiredPods desired,
                  NodeRegistration registration, PodWatch watch, EventBuffer events) {
        this.raw = raw;
        this.facts = facts;
        this.timing = timing;
        this.desired = desired;
        this.registration = registration;
        this.watch = watch;
        this.events = events;
        this.holds = new MirrorPodHolds(timing);
        this.orphanRetry = new Retry("Deleting orphaned mirror pods", "node=" + facts.name(), timing);
    }

    /** The pod's mirror as last seen, or null. */
    GenericKubernetesResource mirrorOf(PodKey key) {
        return current.get(key);
    }

    /** A status write's answer: the mirror as it is now, if it is still the one we know. */
    void statusWritten(PodKey key, GenericKubernetesResource updated) {
        if (updated != null && isCurrent(key, updated)) {
            current.put(key, updated);
        }
    }

    /** The Node was (re-)registered: mirrors owned by an earlier Node object are the garbage collector's. */
    void nodeChanged() {
        again = true;
    }

    @Override
    public void run(long now) {
        again = false;
        watch.start();
        watch.take().forEach(o -> observed(o.pod(), o.deleted()));
        Map<PodKey, StaticPod> want = desired.get();
        String nodeUid = registration.nodeUid();
        if (want == null || nodeUid == null) {
            return;
        }
        holds.retain(want.keySet());
        editWarnings.keySet().retainAll(want.keySet());
        for (Map.Entry<PodKey, StaticPod> e : new TreeMap<>(want).entrySet()) {
            PodKey key = e.getKey();
            StaticPod sp = e.getValue();
            if (holds.waiting(key, sp.uid(), now)) {
                continue;
            }
            try {
                GenericKubernetesResource mirror = current.get(key);
                if (mirror == null || replaceIfStale(key, sp, mirror)) {
                    create(key, sp, nodeUid, now);
                } else {
                    holds.clear(key);
                }
            } catch (KubernetesClientException ex) {
                if (Failures.stopsPass(ex)) {
                    throw ex;
                }
                failed(key, sp, ex, now); // this pod's mirror waits; the others go on
            }
        }
        List<GenericKubernetesResource> listed = watch.listed();
        if (listed != null && orphanRetry.ready(now)) {
            deleteOrphans(want, listed, now);
        }
    }

    private void observed(GenericKubernetesResource pod, boolean gone) {
        PodKey key = MirrorPodObjects.key(pod);
        String uid = MirrorPodObjects.uid(pod);
        GenericKubernetesResource known = current.get(key);
        if (gone) {
            if (known != null && uid.equals(MirrorPodObjects.uid(known))) {
                current.remove(key);
            }
            baselines.remove(uid);
            unedited.remove(uid);
        } else if (!deleted.contains(uid)) {
            current.put(key, pod);
        }
    }

    private boolean isCurrent(PodKey key, GenericKubernetesResource pod) {
        GenericKubernetesResource known = current.get(key);
        return known != null && MirrorPodObjects.uid(known).equals(MirrorPodObjects.uid(pod));
    }

    /** Deletes the mirror if it no longer mirrors the static pod; false if it does (nothing to do). */
    private boolean replaceIfStale(PodKey key, StaticPod sp, GenericKubernetesResource mirror) {
        String uid = MirrorPodObjects.uid(mirror);
        if (MirrorPodObjects.isTerminating(mirror)) {
            log.info("Recreating mirror pod deleted through the API pod={}", key);
        } else if (!sp.uid().equals(MirrorPodObjects.mirrorHash(mirror))) {
            log.info("Deleting mirror pod pod={} reason=outdated hash={} want={}", key,
                    MirrorPodObjects.mirrorHash(mirror), sp.uid());
        } else if (edited(sp, mirror)) {
            log.warn("Mirror pod spec was edited through the API, replacing it; edit the manifest instead pod={} "
                    + "file={} mirror={}", key, sp.file(), MirrorPodObjects.images(mirror));
            editWarnings.put(key, sp);
        } else {
            return false;
        }
        delete(key, uid);
        current.remove(key);
        return true;
    }

    private boolean edited(StaticPod sp, GenericKubernetesResource mirror) {
        String uid = MirrorPodObjects.uid(mirror);
        if (unedited.get(uid) == mirror) {
            return false;
        }
        String baseline = baselines.get(uid);
        if (baseline == null) {
            // a mirror from an earlier run: compare with the manifest, then take it as it is
            if (!MirrorPodObjects.matchesManifest(mirror, sp)) {
                return true;
            }
            baselines.put(uid, MirrorPodObjects.mutableSpec(mirror));
        } else if (!baseline.equals(MirrorPodObjects.mutableSpec(mirror))) {
            return true;
        }
        unedited.put(uid, mirror);
        return false;
    }

    private void create(PodKey key, StaticPod sp, String nodeUid, long now) {
        log.info("Creating mirror pod for static pod pod={}", key);
        JsonNode pod = MirrorPodObjects.build(sp, facts.name(), nodeUid, desired.firstSeen(sp.uid()));
        try {
            GenericKubernetesResource created = MirrorPodObjects.read(raw.create(podsPath(key), pod));
            current.put(key, created);
            baselines.put(MirrorPodObjects.uid(created), MirrorPodObjects.mutableSpec(created));
            if (holds.clear(key)) {
                log.info("Mirror pod created after earlier refusals pod={}", key);
            }
            StaticPod edited = editWarnings.remove(key);
            if (edited != null) {
                events.offer(key, new PodEvent(PodEvent.Type.Warning, EDITED_REASON, "mirror pod spec was edited "
                        + "through the API; the static pod's manifest is what runs: edit " + edited.file()
                        + " instead", null));
            }
        } catch (KubernetesClientException e) {
            if (!Failures.isConflict(e)) {
                throw e;
            }
            conflict(key, sp, e, now);
        }
    }

    /**
     * 409: already there (an earlier create whose answer was lost, a mirror from an earlier run): adopt it; the next
     * pass, at once, replaces it if it does not mirror this version. Nothing to adopt (still being deleted, or a
     * conflict we cannot see): again later, with a back-off.
     */
    private void conflict(PodKey key, StaticPod sp, KubernetesClientException e, long now) {
        JsonNode found = raw.get(podsPath(key) + "/" + key.name());
        GenericKubernetesResource existing = found == null ? null : MirrorPodObjects.read(found);
        if (existing != null && !deleted.contains(MirrorPodObjects.uid(existing))) {
            log.info("Adopting the existing mirror pod pod={} uid={}", key, MirrorPodObjects.uid(existing));
            current.put(key, existing);
            holds.clear(key);
            again = true;
            return;
        }
        Duration wait = holds.backOff(key, MirrorPodHolds.Reason.CONFLICT, sp.uid(), now,
                Duration.ZERO);
        log.debug("Mirror pod create conflicts, nothing to adopt; retrying pod={} in={} error={}", key, wait,
                Failures.message(e));
    }

    /** A request about this pod's mirror failed: the API server failed it (back-off) or refused it (held). */
    private void failed(PodKey key, StaticPod sp, KubernetesClientException e, long now) {
        String message = Failures.message(e);
        if (Failures.isTransient(e)) {
            Duration wait = holds.backOff(key, MirrorPodHolds.Reason.FAILED, sp.uid(), now, Failures.retryAfter(e));
            if (holds.attempts(key) == 1) {
                log.warn("Mirror pod request failed, retrying with back-off pod={} code={} retryIn={} error={}", key,
                        e.getCode(), wait, message);
            }
            return;
        }
        if (!holds.refused(key, sp.uid(), message, now)) {
            log.debug("Mirror pod still refused pod={} error={}", key, message);
            return;
        }
        String what = "Failed creating a mirror pod for static pod; the static pod keeps running; its mirror pod "
                + "cannot be created until this is fixed (retried every {}) pod={} file={} code={} error={}";
        if (e.getCode() == 422 || e.getCode() == 400) {
            log.warn(what, timing.resync(), key, sp.file(), e.getCode(), message);
        } else {
            log.error(what, timing.resync(), key, sp.file(), e.getCode(), message);
        }
    }

    private void deleteOrphans(Map<PodKey, StaticPod> want, List<GenericKubernetesResource> listed, long now) {
        Map<String, GenericKubernetesResource> candidates = new LinkedHashMap<>();
        listed.forEach(p -> candidates.put(MirrorPodObjects.uid(p), p));
        new ArrayList<>(current.values()).forEach(p -> candidates.put(MirrorPodObjects.uid(p), p));
        for (GenericKubernetesResource p : candidates.values()) {
            PodKey key = MirrorPodObjects.key(p);
            String uid = MirrorPodObjects.uid(p);
            if (!MirrorPodObjects.isMirrorOn(p, facts.name()) || want.containsKey(key) || deleted.contains(uid)) {
                continue;
            }
            log.info("Deleting mirror pod pod={} reason=\"no static pod for it (manifest removed)\"", key);
            try {
                delete(key, uid);
            } catch (KubernetesClientException e) {
                if (Failures.stopsPass(e) || !Failures.isTransient(e)) {
                    throw e;
                }
                orphanRetry.failed(now, e);
                return;
            }
            if (isCurrent(key, p)) {
                current.remove(key);
            }
        }
        orphanRetry.succeeded();
    }

    private static String podsPath(PodKey key) {
        return "/api/v1/namespaces/" + key.namespace() + "/pods";
    }

    /** DELETE with grace 0 and the UID as precondition, as the kubelet's DeleteMirrorPod; gone or replaced is fine. */
    private void delete(PodKey key, String uid) {
        raw.deletePod(key.namespace(), key.name(), uid);
        deleted.add(uid);
        baselines.remove(uid);
        unedited.remove(uid);
        if (deleted.size() > REMEMBERED_DELETIONS) {
            deleted.remove(deleted.iterator().next());
        }
    }

    @Override
    public long nextIn(long now) {
        if (again) {
            return 0;
        }
        return Math.min(holds.nextIn(now), orphanRetry.timerNanos(now));
    }

    @Override
    public void crashed(long now, Throwable e) {
        orphanRetry.crashed(now, e);
    }
}
