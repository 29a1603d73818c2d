package io.staticpod.mirror.api;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;
import io.staticpod.mirror.PodEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Makes this node's mirror pods match the desired static pods, as the kubelet's {@code syncPod} and
 * {@code deleteOrphanedMirrorPods} do: create a missing mirror; replace one that is outdated (another hash), being
 * deleted (a deletionTimestamp from {@code kubectl delete}) or edited through the API; delete mirrors no static
 * pod wants. The API server cannot update a mirror's spec for a node, so replacing is delete (grace 0, the old
 * UID as precondition) then create.
 *
 * <p>Worker thread only: not thread-safe.
 */
final class Mirrors {
    private static final Logger log = LoggerFactory.getLogger(Mirrors.class);
    static final String EDITED_REASON = "MirrorPodSpecEdited";
    private static final int REMEMBERED_DELETIONS = 256;

    private final KubernetesClient client;
    private final NodeFacts facts;
    private final Clock clock;
    private final Timing timing;
    private final EventRecorder events;
    private final Function<String, Instant> firstSeen;

    /** The mirrors as last seen (watch, or our own create/patch), by pod. */
    private final Map<PodKey, Pod> current = new HashMap<>();
    /** Mirror UID → its mutable spec fields as the API server returned them on create (or as adopted). */
    private final Map<String, String> baselines = new HashMap<>();
    /** UIDs of mirrors this client deleted: late watch events about them are ignored. */
    private final Set<String> deleted = new LinkedHashSet<>();
    private final Map<PodKey, Rejection> rejections = new HashMap<>();
    /** Pods whose create met 409 with nothing to adopt (a mirror still being deleted): tried again with a backoff. */
    private final Map<PodKey, Conflict> conflicts = new HashMap<>();
    /** Pods whose mirror was replaced because of an edit: the Warning goes to the new mirror. */
    private final Map<PodKey, StaticPod> editWarnings = new HashMap<>();
    private boolean again;

    Mirrors(KubernetesClient client, NodeFacts facts, Clock clock, Timing timing, EventRecorder events,
            Function<String, Instant> firstSeen) {
        this.client = client;
        this.facts = facts;
        this.clock = clock;
        this.timing = timing;
        this.events = events;
        this.firstSeen = firstSeen;
    }

    Pod current(PodKey key) {
        return current.get(key);
    }

    void statusWritten(PodKey key, Pod updated) {
        if (updated != null && isCurrent(key, updated)) {
            current.put(key, updated);
        }
    }

    /** A mirror of this node as the watch saw it. */
    void observed(Pod pod, boolean gone) {
        PodKey key = MirrorPods.key(pod);
        String uid = MirrorPods.uid(pod);
        Pod known = current.get(key);
        if (gone) {
            if (known != null && uid.equals(MirrorPods.uid(known))) {
                current.remove(key);
            }
            baselines.remove(uid);
        } else if (!deleted.contains(uid)) {
            current.put(key, pod);
        }
    }

    private boolean isCurrent(PodKey key, Pod pod) {
        Pod known = current.get(key);
        return known != null && MirrorPods.uid(known).equals(MirrorPods.uid(pod));
    }

    /** The Node was (re-)registered: mirrors owned by an earlier Node object are the garbage collector's. */
    void nodeChanged() {
        again = true;
    }

    /** When a refused mirror should be tried again, or a pass repeated. */
    Duration nextRetry() {
        if (again) {
            again = false;
            return Duration.ZERO;
        }
        long now = System.nanoTime();
        return java.util.stream.Stream.concat(rejections.values().stream().map(Rejection::retryAt),
                        conflicts.values().stream().map(Conflict::retryAt))
                .map(at -> Duration.ofNanos(Math.max(0, at - now)))
                .min(Duration::compareTo).orElse(timing.resync());
    }

    /**
     * @param want     the desired static pods
     * @param nodeUid  the Node's UID for the owner reference
     * @param apiCache this node's pods as the watch has them, once it has listed them; null before (no orphan
     *                 is deleted until then, as the kubelet waits for its sources to be ready)
     */
    void reconcile(Map<PodKey, StaticPod> want, String nodeUid, List<Pod> apiCache, Pass pass) {
        rejections.keySet().retainAll(want.keySet());
        conflicts.keySet().retainAll(want.keySet());
        editWarnings.keySet().retainAll(want.keySet());
        for (Map.Entry<PodKey, StaticPod> e : new TreeMap<>(want).entrySet()) {
            PodKey key = e.getKey();
            StaticPod sp = e.getValue();
            try {
                Pod mirror = current.get(key);
                if (mirror != null) {
                    if (!replaceIfStale(key, sp, mirror)) {
                        continue;
                    }
                }
                Rejection r = rejections.get(key);
                if (r != null && r.hash.equals(sp.uid()) && System.nanoTime() < r.retryAt) {
                    continue;
                }
                Conflict c = conflicts.get(key);
                if (c != null && System.nanoTime() < c.retryAt) {
                    continue;
                }
                create(key, sp, nodeUid);
            } catch (KubernetesClientException ex) {
                if (!Failures.isTransient(ex)) {
                    throw ex;
                }
                pass.failed(ex); // this pod's mirror waits for the next pass; the others go on
            }
        }
        if (apiCache != null) {
            deleteOrphans(want, apiCache, pass);
        }
    }

    /** Deletes the mirror if it no longer mirrors the static pod; false if it does (nothing to do). */
    private boolean replaceIfStale(PodKey key, StaticPod sp, Pod mirror) {
        String uid = MirrorPods.uid(mirror);
        if (MirrorPods.isTerminating(mirror)) {
            log.info("Recreating mirror pod deleted through the API pod={}", key);
        } else if (!sp.uid().equals(MirrorPods.mirrorHash(mirror))) {
            log.info("Deleting mirror pod pod={} reason=outdated hash={} want={}", key, MirrorPods.mirrorHash(mirror),
                    sp.uid());
        } else if (edited(sp, mirror)) {
            log.warn("Mirror pod spec was edited through the API, replacing it; edit the manifest instead pod={} "
                    + "file={} mirror={}", key, sp.file(), MirrorPods.images(mirror.getSpec().getContainers()));
            editWarnings.put(key, sp);
        } else {
            return false;
        }
        delete(key, uid);
        current.remove(key);
        return true;
    }

    private boolean edited(StaticPod sp, Pod mirror) {
        String uid = MirrorPods.uid(mirror);
        String baseline = baselines.get(uid);
        if (baseline == null) {
            // a mirror from an earlier run: compare with the manifest, then take it as it is
            if (!MirrorPods.matchesManifest(mirror, sp)) {
                return true;
            }
            baselines.put(uid, MirrorPods.mutableSpec(mirror));
            return false;
        }
        return !baseline.equals(MirrorPods.mutableSpec(mirror));
    }

    private void create(PodKey key, StaticPod sp, String nodeUid) {
        log.info("Creating mirror pod for static pod pod={}", key);
        Pod pod = MirrorPods.build(sp, facts.name(), nodeUid, firstSeen.apply(sp.uid()), clock.getZone());
        try {
            Pod created = client.pods().inNamespace(key.namespace()).resource(pod).create();
            current.put(key, created);
            conflicts.remove(key);
            baselines.put(MirrorPods.uid(created), MirrorPods.mutableSpec(created));
            if (rejections.remove(key) != null) {
                log.info("Mirror pod created after earlier refusals pod={}", key);
            }
            StaticPod edited = editWarnings.remove(key);
            if (edited != null) {
                events.offer(key, new PodEvent(PodEvent.Type.Warning, EDITED_REASON, "mirror pod spec was edited "
                        + "through the API; the static pod's manifest is what runs: edit " + edited.file()
                        + " instead", null), clock.instant());
            }
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                // already there (an earlier create whose answer was lost, a mirror from an earlier run): adopt it;
                // the next pass, at once, replaces it if it does not mirror this version
                Pod existing = client.pods().inNamespace(key.namespace()).withName(key.name()).get();
                if (existing != null && !deleted.contains(MirrorPods.uid(existing))) {
                    log.info("Adopting the existing mirror pod pod={} uid={}", key, MirrorPods.uid(existing));
                    current.put(key, existing);
                    conflicts.remove(key);
                    again = true;
                    return;
                }
                // nothing to adopt (still being deleted, or a conflict we cannot see): again later, with a backoff
                Conflict before = conflicts.get(key);
                int attempts = before == null ? 1 : before.attempts + 1;
                Duration wait = timing.backoffStart().multipliedBy(1L << Math.min(attempts - 1, 16));
                if (wait.compareTo(timing.backoffMax()) > 0) {
                    wait = timing.backoffMax();
                }
                conflicts.put(key, new Conflict(attempts, System.nanoTime() + wait.toNanos()));
                log.debug("Mirror pod create conflicts, nothing to adopt; retrying pod={} in={} error={}", key, wait,
                        Failures.message(e));
                return;
            }
            if (Failures.isTransient(e)) {
                throw e;
            }
            refused(key, sp, e);
        }
    }

    private void refused(PodKey key, StaticPod sp, KubernetesClientException e) {
        String message = Failures.message(e);
        Rejection before = rejections.get(key);
        long retryAt = System.nanoTime() + timing.resync().toNanos();
        rejections.put(key, new Rejection(sp.uid(), message, retryAt));
        if (before != null && before.hash.equals(sp.uid()) && before.message.equals(message)) {
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

    private void deleteOrphans(Map<PodKey, StaticPod> want, List<Pod> apiCache, Pass pass) {
        Map<String, Pod> candidates = new LinkedHashMap<>();
        for (Pod p : apiCache) {
            candidates.put(MirrorPods.uid(p), p);
        }
        for (Pod p : new ArrayList<>(current.values())) {
            candidates.put(MirrorPods.uid(p), p);
        }
        for (Pod p : candidates.values()) {
            PodKey key = MirrorPods.key(p);
            String uid = MirrorPods.uid(p);
            if (!MirrorPods.isMirrorOn(p, facts.name()) || want.containsKey(key) || deleted.contains(uid)) {
                continue;
            }
            log.info("Deleting mirror pod pod={} reason=\"no static pod for it (manifest removed)\"", key);
            try {
                delete(key, uid);
            } catch (KubernetesClientException e) {
                if (!Failures.isTransient(e)) {
                    throw e;
                }
                pass.failed(e);
                continue;
            }
            if (isCurrent(key, p)) {
                current.remove(key);
            }
        }
    }

    /** DELETE with grace 0 and the UID as precondition, as the kubelet's DeleteMirrorPod; gone or replaced is fine. */
    private void delete(PodKey key, String uid) {
        String url = client.getMasterUrl().toString().replaceAll("/$", "") + "/api/v1/namespaces/" + key.namespace()
                + "/pods/" + key.name();
        String options = "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"gracePeriodSeconds\":0,"
                + "\"preconditions\":{\"uid\":\"" + uid + "\"}}";
        try {
            client.raw(url, "DELETE", options);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404 && e.getCode() != 409) {
                throw e;
            }
        }
        deleted.add(uid);
        baselines.remove(uid);
        if (deleted.size() > REMEMBERED_DELETIONS) {
            deleted.remove(deleted.iterator().next());
        }
    }

    /** A mirror the API server refused for this hash, tried again after retryAt (System.nanoTime()). */
    private record Rejection(String hash, String message, long retryAt) {
    }

    /** Creates that met 409 with nothing to adopt, and when to try again (System.nanoTime()). */
    private record Conflict(int attempts, long retryAt) {
    }
}
