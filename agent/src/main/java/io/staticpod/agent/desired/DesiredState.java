package io.staticpod.agent.desired;

import io.staticpod.agent.source.SourceSnapshot;
import io.staticpod.manifest.ManifestProblem;
import io.staticpod.manifest.ParseResult;
import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Merges source snapshots into the desired set of static pods; each snapshot gives one {@link DesiredChange}.
 *
 * <p>Policy, better than the kubelet's where it hurts: a file that stops parsing keeps its last good version
 * running (the kubelet kills the pod at the next re-list); when two files define the same pod, the first in sorted
 * order wins and the other is reported by name (the kubelet lets the last one win silently, so a {@code .bak} copy
 * replaces the real pod). Each problem is logged once when it appears, not on every re-list.
 *
 * <p>Not thread-safe: called only from the reconcile thread.
 */
public final class DesiredState {
    private static final Logger log = LoggerFactory.getLogger(DesiredState.class);

    private final Map<Path, StaticPod> lastGood = new HashMap<>();
    /** What was last logged about each file, so that a problem is reported once, when it appears. */
    private Map<Path, Set<String>> reported = new HashMap<>();
    private Map<PodKey, StaticPod> desired = Map.of();
    private Map<PodKey, String> manifestErrors = Map.of();
    private boolean synced;

    /** The current desired set (immutable). */
    public Map<PodKey, StaticPod> pods() {
        return desired;
    }

    /** Pods whose file turned invalid while their last good version keeps running, with the file's errors. */
    public Map<PodKey, String> manifestErrors() {
        return manifestErrors;
    }

    /** True once a first snapshot has been applied: from then on, containers of unknown pods are orphans. */
    public boolean synced() {
        return synced;
    }

    /** Merges a full snapshot of the (one) source: what changed, for the pod layer. */
    public DesiredChange apply(SourceSnapshot snapshot) {
        Map<PodKey, StaticPod> next = new LinkedHashMap<>();
        Map<PodKey, Path> owner = new HashMap<>();
        Map<Path, Set<String>> nowReported = new HashMap<>();
        Map<PodKey, String> errors = new HashMap<>();
        for (ParseResult result : snapshot.results()) {
            Path file = result.file();
            StaticPod pod = resolve(result, nowReported);
            if (pod == null) {
                continue;
            }
            if (result instanceof ParseResult.Invalid invalid) {
                errors.put(pod.key(), "the manifest " + file + " is invalid; its last good version keeps running: "
                        + invalid.errors().stream().map(ManifestProblem::toString).collect(Collectors.joining("; ")));
            }
            Path first = owner.putIfAbsent(pod.key(), file);
            if (first != null) {
                report(nowReported, file, "duplicate:" + first, () -> log.error(
                        "Duplicate static pod name; ignoring this file, the first file in sorted order wins: "
                                + "rename the pod or remove one of the files pod={} file={} winner={}",
                        pod.key(), file, first));
                continue;
            }
            next.put(pod.key(), pod);
        }
        errors.keySet().retainAll(next.keySet());
        manifestErrors = Map.copyOf(errors);
        lastGood.keySet().retainAll(snapshot.results().stream().map(ParseResult::file).collect(Collectors.toSet()));
        reported = nowReported;
        synced = true;
        return publish(next);
    }

    private StaticPod resolve(ParseResult result, Map<Path, Set<String>> nowReported) {
        Path file = result.file();
        if (result instanceof ParseResult.Parsed parsed) {
            lastGood.put(file, parsed.pod());
            boolean wasInvalid = reported.getOrDefault(file, Set.of()).stream().anyMatch(r -> r.startsWith("invalid:"));
            if (wasInvalid) {
                log.info("Static pod manifest is valid again pod={} file={}", parsed.pod().key(), file);
            }
            if (!parsed.warnings().isEmpty()) {
                String text = lines(parsed.warnings());
                report(nowReported, file, "warn:" + text, () -> log.warn(
                        "Static pod manifest has problems that were tolerated pod={} file={}\n{}",
                        parsed.pod().key(), file, text));
            }
            return parsed.pod();
        }
        ParseResult.Invalid invalid = (ParseResult.Invalid) result;
        String text = lines(invalid.errors());
        StaticPod kept = lastGood.get(file);
        if (kept != null) {
            report(nowReported, file, "invalid:" + text, () -> log.error(
                    "Invalid static pod manifest; keeping the last good version running until the file is fixed "
                            + "pod={} file={} errors={}\n{}", kept.key(), file, invalid.errors().size(), text));
        } else {
            report(nowReported, file, "invalid:" + text, () -> log.error(
                    "Invalid static pod manifest; no pod runs from it until the file is fixed file={} errors={}\n{}",
                    file, invalid.errors().size(), text));
        }
        return kept;
    }

    private void report(Map<Path, Set<String>> nowReported, Path file, String what, Runnable logIt) {
        nowReported.computeIfAbsent(file, f -> new HashSet<>()).add(what);
        if (!reported.getOrDefault(file, Set.of()).contains(what)) {
            logIt.run();
        }
    }

    private static String lines(List<ManifestProblem> problems) {
        return problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
    }

    private DesiredChange publish(Map<PodKey, StaticPod> next) {
        Map<PodKey, StaticPod> previous = desired;
        desired = Map.copyOf(next);
        Set<PodKey> removed = new LinkedHashSet<>();
        List<StaticPod> changed = new ArrayList<>();
        for (Map.Entry<PodKey, StaticPod> e : previous.entrySet()) {
            if (!next.containsKey(e.getKey())) {
                log.info("Removing static pod pod={} file={} uid={}", e.getKey(), e.getValue().file(),
                        e.getValue().uid());
                removed.add(e.getKey());
            }
        }
        for (Map.Entry<PodKey, StaticPod> e : next.entrySet()) {
            StaticPod before = previous.get(e.getKey());
            StaticPod pod = e.getValue();
            if (before == null) {
                log.info("Adding static pod pod={} file={} uid={}", pod.key(), pod.file(), pod.uid());
                changed.add(pod);
            } else if (!Objects.equals(before.uid(), pod.uid()) || !before.tree().equals(pod.tree())) {
                // a manifest that pins metadata.uid keeps its UID across edits: its content tells
                log.info("Updating static pod: its manifest changed, the pod will be replaced pod={} file={} "
                        + "uid={} previousUid={}", pod.key(), pod.file(), pod.uid(), before.uid());
                changed.add(pod);
            }
        }
        return new DesiredChange(changed, removed, manifestErrors, desired, synced);
    }
}
