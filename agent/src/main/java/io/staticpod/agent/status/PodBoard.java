package io.staticpod.agent.status;

import io.staticpod.agent.metrics.AgentMetrics;
import io.staticpod.manifest.ManifestProblem;
import io.staticpod.manifest.ParseResult;
import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;
import io.staticpod.mirror.MirrorClient;
import io.staticpod.mirror.PodEvent;
import io.staticpod.mirror.PodStatus;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The latest status of every static pod this agent runs, for {@code status} and the {@code static_pods} gauge: a
 * {@link MirrorClient} tee that records what the pods report ({@code podStatus}, {@code podEvent},
 * {@code desiredPods}) and forwards every call unchanged to the real client. From the same calls it feeds the
 * metrics that need a pod's history: container restarts and the time from a manifest seen to its containers running.
 *
 * <p>Thread-safe: every method is synchronized (calls are rare, a few per pod sync).
 */
public final class PodBoard implements MirrorClient {
    private static final Set<String> NOT_AN_ERROR = Set.of("ContainerCreating", "PodInitializing");

    private final MirrorClient delegate;
    private final AgentMetrics metrics;
    private final InstantSource clock;
    private final String node;

    // guarded by this
    private Map<PodKey, StaticPod> desired = Map.of();
    private final Map<String, Instant> firstSeen = new HashMap<>();   // by pod UID
    private final Set<String> started = new HashSet<>();              // UIDs whose start was measured
    private final Map<PodKey, PodStatus> statuses = new HashMap<>();
    private final Map<PodKey, PodEvent> lastWarning = new HashMap<>(); // of the current pod version
    private List<PodRow.InvalidFile> invalidFiles = List.of();

    public PodBoard(MirrorClient delegate, AgentMetrics metrics, InstantSource clock, String node) {
        this.delegate = delegate;
        this.metrics = metrics;
        this.clock = clock;
        this.node = node;
    }

    @Override
    public void start() {
        delegate.start();
    }

    @Override
    public void desiredPods(Map<PodKey, StaticPod> pods) {
        synchronized (this) {
            Instant now = clock.instant();
            Set<String> uids = new HashSet<>();
            for (StaticPod pod : pods.values()) {
                uids.add(pod.uid());
                firstSeen.putIfAbsent(pod.uid(), now);
                StaticPod before = desired.get(pod.key());
                if (before != null && !before.uid().equals(pod.uid())) {
                    lastWarning.remove(pod.key());
                }
            }
            firstSeen.keySet().retainAll(uids);
            started.retainAll(uids);
            statuses.keySet().retainAll(pods.keySet());
            lastWarning.keySet().retainAll(pods.keySet());
            desired = Map.copyOf(pods);
        }
        delegate.desiredPods(pods);
    }

    @Override
    public void podStatus(PodKey key, PodStatus status) {
        synchronized (this) {
            PodStatus before = statuses.put(key, status);
            countRestarts(key, before, status);
            measureStart(status);
        }
        delegate.podStatus(key, status);
    }

    @Override
    public void podEvent(PodKey key, PodEvent event) {
        if (event.type() == PodEvent.Type.Warning) {
            synchronized (this) {
                lastWarning.put(key, event);
            }
        }
        delegate.podEvent(key, event);
    }

    @Override
    public void close() {
        delegate.close();
    }

    /** The files of the last full scan that are invalid and run no pod (a pod keeping its last good version is
     * shown with its manifest error instead). */
    public synchronized void invalidFiles(List<ParseResult> results) {
        Set<Path> podFiles = new HashSet<>();
        desired.values().forEach(p -> podFiles.add(p.file()));
        List<PodRow.InvalidFile> files = new ArrayList<>();
        for (ParseResult r : results) {
            if (r instanceof ParseResult.Invalid invalid && !podFiles.contains(invalid.file())) {
                files.add(new PodRow.InvalidFile(invalid.file().toString(),
                        invalid.errors().stream().map(ManifestProblem::toString).toList()));
            }
        }
        invalidFiles = List.copyOf(files);
    }

    /** The number of desired static pods in each phase; Unknown for those without a status yet. */
    public synchronized Map<PodStatus.Phase, Integer> phases() {
        Map<PodStatus.Phase, Integer> counts = new EnumMap<>(PodStatus.Phase.class);
        for (StaticPod pod : desired.values()) {
            PodStatus s = statuses.get(pod.key());
            PodStatus.Phase phase = s == null || !s.uid().equals(pod.uid()) ? PodStatus.Phase.Unknown : s.phase();
            counts.merge(phase, 1, Integer::sum);
        }
        return counts;
    }

    /** Every desired static pod, sorted by namespace and name. */
    /** Every desired static pod with its latest status (null before the first), sorted by namespace and name. */
    public synchronized List<io.staticpod.mirror.api.PodLists.Entry> pods() {
        return desired.values().stream().sorted(Comparator.comparing(StaticPod::key))
                .map(p -> new io.staticpod.mirror.api.PodLists.Entry(p, statuses.get(p.key()))).toList();
    }

    public synchronized PodRow.Board board() {
        Instant now = clock.instant();
        List<PodRow> rows = new ArrayList<>();
        for (StaticPod pod : desired.values()) {
            PodStatus s = statuses.get(pod.key());
            if (s != null && !s.uid().equals(pod.uid())) {
                s = null; // the status of the version being replaced
            }
            rows.add(row(pod, s, lastWarning.get(pod.key()), now));
        }
        rows.sort(Comparator.comparing(PodRow::namespace).thenComparing(PodRow::name));
        return new PodRow.Board(node, rows, invalidFiles);
    }

    private PodRow row(StaticPod pod, PodStatus s, PodEvent warning, Instant now) {
        int total = pod.pod().spec().containers().size();
        if (s == null) {
            Instant seen = firstSeen.getOrDefault(pod.uid(), now);
            return new PodRow(pod.key().namespace(), pod.key().name(), pod.uid(), PodStatus.Phase.Pending.name(),
                    PodStatus.Phase.Pending.name(), 0, total, 0, null, age(seen, now), pod.file().toString(), null,
                    null);
        }
        int ready = (int) s.containers().stream().filter(PodStatus.ContainerStatus::ready).count();
        int restarts = s.containers().stream().mapToInt(PodStatus.ContainerStatus::restartCount).sum()
                + s.initContainers().stream().mapToInt(PodStatus.ContainerStatus::restartCount).sum();
        String reason = null;
        String waitingError = null;
        for (PodStatus.ContainerStatus c : concat(s.initContainers(), s.containers())) {
            if (c.state() instanceof PodStatus.Waiting w && w.reason() != null) {
                reason = reason == null ? w.reason() : reason;
                if (waitingError == null && !NOT_AN_ERROR.contains(w.reason())) {
                    waitingError = c.name() + ": " + w.reason()
                            + (w.message() == null || w.message().isEmpty() ? "" : ": " + w.message());
                }
            } else if (c.state() instanceof PodStatus.Terminated t && t.exitCode() != 0 && reason == null) {
                reason = t.reason();
            }
        }
        String lastError = s.manifestError() != null ? s.manifestError()
                : waitingError != null ? waitingError
                : warning != null && ready < total ? warning.reason() + ": " + warning.message()
                : null;
        lastError = redactEnv(lastError, pod);
        Instant since = s.startTime() != null ? s.startTime() : firstSeen.getOrDefault(pod.uid(), now);
        return new PodRow(pod.key().namespace(), pod.key().name(), pod.uid(), s.phase().name(),
                reason != null ? reason : s.phase().name(), ready, total, restarts,
                s.startTime() == null ? null : s.startTime().toString(), age(since, now), pod.file().toString(),
                s.manifestError(), lastError);
    }

    /** Shorter values are too common to tell from ordinary words ("true", "80"); they are left as they are. */
    static final int REDACT_MIN = 4;

    /**
     * The text with every environment value of the pod's containers replaced by {@code (env NAME)}: an error message
     * from the runtime may quote the command that failed, values included, and {@code status} must not show them.
     */
    static String redactEnv(String text, StaticPod pod) {
        if (text == null) {
            return null;
        }
        String out = text;
        var spec = pod.pod().spec();
        for (var container : concat2(spec.initContainers(), spec.containers())) {
            if (container.env() == null) {
                continue;
            }
            for (var env : container.env()) {
                if (env.value() != null && env.value().length() >= REDACT_MIN) {
                    out = out.replace(env.value(), "(env " + env.name() + ")");
                }
            }
        }
        return out;
    }

    private static <T> List<T> concat2(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a == null ? List.of() : a);
        if (b != null) {
            all.addAll(b);
        }
        return all;
    }

    private static List<PodStatus.ContainerStatus> concat(List<PodStatus.ContainerStatus> a,
                                                          List<PodStatus.ContainerStatus> b) {
        List<PodStatus.ContainerStatus> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static long age(Instant since, Instant now) {
        return Math.max(0, Duration.between(since, now).toSeconds());
    }

    // guarded by this
    private void countRestarts(PodKey key, PodStatus before, PodStatus now) {
        if (before == null || !before.uid().equals(now.uid())) {
            return; // a new pod version starts counting from zero
        }
        Map<String, Integer> previous = new HashMap<>();
        concat(before.initContainers(), before.containers()).forEach(c -> previous.put(c.name(), c.restartCount()));
        for (PodStatus.ContainerStatus c : concat(now.initContainers(), now.containers())) {
            int more = c.restartCount() - previous.getOrDefault(c.name(), 0);
            if (more > 0) {
                metrics.containerRestarted(key.namespace(), key.name(), c.name(), more);
            }
        }
    }

    // guarded by this
    private void measureStart(PodStatus status) {
        Instant seen = firstSeen.get(status.uid());
        if (seen == null || started.contains(status.uid()) || status.containers().isEmpty()) {
            return;
        }
        boolean allRunning = true;
        Instant earliest = null;
        for (PodStatus.ContainerStatus c : status.containers()) {
            if (!(c.state() instanceof PodStatus.Running r)) {
                allRunning = false;
                break;
            }
            if (r.startedAt() != null && (earliest == null || r.startedAt().isBefore(earliest))) {
                earliest = r.startedAt();
            }
        }
        if (!allRunning) {
            return;
        }
        started.add(status.uid());
        if (earliest != null && earliest.isBefore(seen)) {
            return; // adopted after an agent restart: it was running before we saw its manifest
        }
        metrics.podStarted(Duration.between(seen, clock.instant()));
    }
}
