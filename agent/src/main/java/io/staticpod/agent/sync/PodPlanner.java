package io.staticpod.agent.sync;

import io.staticpod.agent.relist.ContainerView;
import io.staticpod.agent.relist.PodView;
import io.staticpod.agent.sync.PodActions.Exit;
import io.staticpod.agent.sync.PodActions.Kill;
import io.staticpod.agent.sync.PodActions.KillReason;
import io.staticpod.agent.sync.PodActions.Outcome;
import io.staticpod.agent.sync.PodActions.SandboxPlan;
import io.staticpod.agent.sync.PodActions.Start;
import io.staticpod.manifest.PodIdentity;
import io.staticpod.manifest.StaticPod;
import io.staticpod.manifest.WellKnown;
import io.staticpod.manifest.model.Container;
import io.staticpod.manifest.model.RestartPolicy;
import io.staticpod.mirror.PodStatus;
import io.staticpod.runtime.spi.ContainerState;
import io.staticpod.runtime.spi.Sandbox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides what a sync of one pod does, as the kubelet's {@code computePodActions}, from the desired pod (or none),
 * everything the runtime has under the pod's key, the restart history and the probes' verdicts. Pure: it reads its
 * inputs and returns {@link PodActions}; {@link PodExecutor} carries them out.
 *
 * <p>The rules, the kubelet's unless said otherwise:
 * <ul>
 *   <li>Containers and sandboxes of any other version (UID) of the pod are stopped and removed first.</li>
 *   <li>No sandbox, the newest not ready, or its sandbox hash label not the desired pod's (a pinned UID whose
 *   hostNetwork, ports, DNS… changed; a sandbox without the label is adopted): a new one (attempt one more) replaces
 *   it, every running container of this version is stopped, and init containers run again; with {@code Never}, a pod
 *   that ran is done instead.</li>
 *   <li>Init containers, in the current sandbox only (better than the kubelet, which may take an old sandbox's
 *   success for a new one's), one at a time in order, each to success; a failure is restarted with back-off, or with
 *   {@code Never} the pod is killed and is Failed.</li>
 *   <li>An app container that is not running starts when it never ran, is created or unknown, or its policy says so
 *   (Always; OnFailure on a non-zero exit), after its back-off; a running one is replaced when its spec hash changed
 *   or its sandbox is not the current one, and stopped after a failed liveness or startup probe (restarted unless
 *   {@code Never}). Older instances still running beside the newest (an agent killed mid-start) are stopped.</li>
 *   <li>Nothing running and nothing to start: the sandbox is stopped (the pod is done).</li>
 *   <li>Dead instances are removed except the newest exited one of each container; sandboxes that are neither the
 *   newest nor ready are removed once no instance is left in them.</li>
 * </ul>
 */
public final class PodPlanner {
    private final StaticPod pod;
    private final RestartPolicy policy;
    private final List<ContainerView> mine;
    private final List<Sandbox> sandboxes;
    private final Map<String, ContainerHistory> history;
    private final Map<String, KillReason> unhealthy;
    private final Instant now;

    private final List<Kill> kills = new ArrayList<>();
    private final Set<Sandbox> sandboxesToStop = new LinkedHashSet<>();
    private final List<Start> starts = new ArrayList<>();
    private final Map<String, PodStatus.Waiting> waiting = new LinkedHashMap<>();
    private final List<Exit> exits = new ArrayList<>();
    private SandboxPlan sandbox = new SandboxPlan.None();
    private Start nextInit;
    private Instant wakeAt;

    private PodPlanner(StaticPod pod, List<ContainerView> mine, List<Sandbox> sandboxes,
                       Map<String, ContainerHistory> history, Map<String, KillReason> unhealthy, Instant now) {
        this.pod = pod;
        this.policy = pod.pod().spec().restartPolicy();
        this.mine = mine;
        this.sandboxes = sandboxes.stream().sorted(Comparator.comparingInt((Sandbox s) -> s.metadata().attempt())
                .thenComparing(Sandbox::createdAt).reversed()).toList();
        this.history = history;
        this.unhealthy = unhealthy;
        this.now = now;
    }

    /**
     * @param desired   the pod that should run under the view's key, or null: nothing should
     * @param view      everything the runtime has under the key
     * @param history   the restart history of the desired version's containers, by container name
     * @param unhealthy containers whose liveness ({@link KillReason#LIVENESS}) or startup probe failed, by id
     * @param now       the monotonic now
     */
    public static PodActions plan(StaticPod desired, PodView view, Map<String, ContainerHistory> history,
                                  Map<String, KillReason> unhealthy, Instant now) {
        String uid = desired == null ? null : desired.uid();
        List<ContainerView> others = view.containers().stream().filter(c -> !c.podUid().equals(uid)).toList();
        List<Sandbox> otherSandboxes = view.sandboxes().stream().filter(s -> !s.metadata().uid().equals(uid)).toList();
        if (desired == null) {
            return new PodActions(others, otherSandboxes, List.of(), List.of(), List.of(), List.of(),
                    new SandboxPlan.None(), null, List.of(), null, Map.of(), List.of());
        }
        PodPlanner p = new PodPlanner(desired, view.containersOf(uid), view.sandboxesOf(uid), history, unhealthy, now);
        p.planVersion();
        List<ContainerView> removals = Garbage.removals(p.mine, p.names(), p.kills);
        return new PodActions(others, otherSandboxes, p.kills, List.copyOf(p.sandboxesToStop), removals,
                Garbage.sandboxRemovals(p.mine, p.sandboxes, removals, p.kills), p.sandbox, p.nextInit, p.starts,
                p.wakeAt, p.waiting, p.exits);
    }

    private void planVersion() {
        Sandbox newest = sandboxes.isEmpty() ? null : sandboxes.get(0);
        if (newest == null || !newest.ready()) {
            planNewSandbox(newest, KillReason.SANDBOX_REPLACED);
        } else if (sandboxChanged(newest)) {
            planNewSandbox(newest, KillReason.SANDBOX_CHANGED);
        } else {
            planInSandbox(newest);
        }
        killContainersNoLongerInTheSpec();
    }

    /** The kubelet's podSandboxChanged, by the hash label; a sandbox without it (an older agent's) is adopted. */
    private boolean sandboxChanged(Sandbox newest) {
        String made = newest.labels().get(WellKnown.SANDBOX_HASH);
        return made != null && !made.equals(PodIdentity.sandboxHash(pod.pod()));
    }

    /** No sandbox, or not a usable one: the pod is killed and, unless it is done, starts over in a new one. */
    private void planNewSandbox(Sandbox newest, KillReason reason) {
        mine.stream().filter(ContainerView::running).forEach(c -> kill(c, reason));
        sandboxes.stream().filter(Sandbox::ready).forEach(sandboxesToStop::add);
        if (policy == RestartPolicy.Never && !mine.isEmpty()) {
            noteNotRestarted(pod.pod().spec().containers());
            return; // it ran: a Never pod is done, not started over (even if its sandbox was removed meanwhile)
        }
        List<Container> inits = pod.pod().spec().initContainers();
        int wanted = 0;
        if (!inits.isEmpty()) {
            wanted += planStart(inits.get(0), true, null); // a new sandbox runs them all again
        } else {
            for (Container c : pod.pod().spec().containers()) {
                ContainerView latest = newestOf(c.name());
                if (policy == RestartPolicy.OnFailure && succeeded(latest)) {
                    continue;
                }
                wanted += planStart(c, false, latest);
            }
        }
        if (wanted > 0) {
            sandbox = new SandboxPlan.Create(newest == null ? 0 : newest.metadata().attempt() + 1);
        }
    }

    /** The newest sandbox is ready: init containers in order, then the app containers. */
    private void planInSandbox(Sandbox current) {
        sandbox = new SandboxPlan.Keep(current);
        sandboxes.stream().skip(1).filter(Sandbox::ready).forEach(sandboxesToStop::add);
        if (!initsDone(current)) {
            return;
        }
        int keep = 0;
        int wanted = 0;
        for (Container c : pod.pod().spec().containers()) {
            List<ContainerView> instances = instancesOf(c.name());
            ContainerView latest = instances.isEmpty() ? null : instances.get(0);
            instances.stream().skip(1).filter(ContainerView::running).forEach(d -> kill(d, KillReason.DUPLICATE));
            if (latest == null || !latest.running()) {
                if (shouldRestart(latest)) {
                    if (latest != null && latest.state() == ContainerState.UNKNOWN) {
                        kill(latest, KillReason.UNKNOWN_STATE);
                    }
                    wanted += planStart(c, false, latest);
                } else {
                    noteNotRestarted(List.of(c));
                }
                continue;
            }
            KillReason reason = !latest.sandboxId().equals(current.id()) ? KillReason.SANDBOX_REPLACED
                    : !latest.hash().equals(PodIdentity.containerHash(c)) ? KillReason.SPEC_CHANGED
                    : unhealthy.get(latest.id());
            if (reason == null) {
                keep++;
                continue;
            }
            kill(latest, reason);
            boolean probeFailed = reason == KillReason.LIVENESS || reason == KillReason.STARTUP;
            if (!probeFailed || policy != RestartPolicy.Never) {
                wanted += planStart(c, false, latest);
            }
        }
        if (keep == 0 && wanted == 0) {
            sandboxesToStop.add(current); // the pod is done: release its sandbox, as the kubelet does
            sandbox = new SandboxPlan.None();
        }
    }

    /**
     * The kubelet's {@code findNextInitContainerToRun}, in the current sandbox: true when every init container
     * succeeded there; otherwise plans the next one (or, with {@code Never}, kills the pod after a failure).
     */
    private boolean initsDone(Sandbox current) {
        List<Container> inits = pod.pod().spec().initContainers();
        for (int i = inits.size() - 1; i >= 0; i--) {
            ContainerView latest = newestIn(inits.get(i).name(), current);
            if (latest != null && failed(latest)) {
                if (policy == RestartPolicy.Never) {
                    if (latest.exited()) {
                        exits.add(new Exit(latest, Outcome.POD_FAILED, latest.attempt(), null));
                    }
                    mine.stream().filter(ContainerView::running).forEach(c -> kill(c, KillReason.INIT_FAILED));
                    sandboxesToStop.add(current);
                    sandbox = new SandboxPlan.None();
                    return false;
                }
                if (latest.state() == ContainerState.UNKNOWN) {
                    kill(latest, KillReason.UNKNOWN_STATE);
                }
                planStart(inits.get(i), true, latest);
                return false;
            }
        }
        for (int i = inits.size() - 1; i >= 0; i--) {
            ContainerView latest = newestIn(inits.get(i).name(), current);
            if (latest == null) {
                continue;
            }
            if (latest.running()) {
                return false; // its exit wakes the pod
            }
            if (i == inits.size() - 1) {
                return true;
            }
            planStart(inits.get(i + 1), true, null);
            return false;
        }
        if (inits.isEmpty()) {
            return true;
        }
        planStart(inits.get(0), true, null);
        return false;
    }

    /**
     * Starts {@code c} now, or notes when its back-off ends. {@code latest} is its newest instance (whose exit, if it
     * exited, this answers). Returns 1: the container is wanted either way.
     */
    private int planStart(Container c, boolean init, ContainerView latest) {
        ContainerView newest = newestOf(c.name());
        int attempt = newest == null ? 0 : newest.attempt() + 1;
        ContainerHistory h = history.getOrDefault(c.name(), ContainerHistory.NONE);
        ContainerView lastExit = instancesOf(c.name()).stream().filter(ContainerView::exited).findFirst().orElse(null);
        Instant exitEvent = lastExit == null ? null : h.seen(lastExit.id()) != null ? h.seen(lastExit.id()) : now;
        Instant failEvent = h.failure() == null ? null : h.failure().at();
        boolean byFailure = failEvent != null && (exitEvent == null || failEvent.isAfter(exitEvent));
        Instant event = byFailure ? failEvent : exitEvent;
        CrashBackOff.Decision d = event == null ? new CrashBackOff.Decision.Now()
                : CrashBackOff.decide(h.backOff(), event, now);
        boolean answersExit = latest != null && latest.exited();
        if (d instanceof CrashBackOff.Decision.Wait wait) {
            waiting.put(c.name(), byFailure ? failureWaiting(c, h.failure()) : new PodStatus.Waiting("CrashLoopBackOff",
                    "back-off " + wait.delay().toSeconds() + "s restarting failed container=" + c.name() + " pod="
                            + pod.key().name() + "_" + pod.key().namespace() + "(" + pod.uid() + ")"));
            wakeAt = wakeAt == null || wait.until().isBefore(wakeAt) ? wait.until() : wakeAt;
            if (answersExit) {
                exits.add(new Exit(latest, Outcome.BACK_OFF, attempt, wait.delay()));
            }
            return 1;
        }
        Start start = new Start(c, init, attempt, event);
        if (init) {
            nextInit = start;
        } else {
            starts.add(start);
        }
        if (answersExit) {
            exits.add(new Exit(latest, Outcome.RESTARTING, attempt, null));
        }
        return 1;
    }

    /** As the kubelet: while a failed pull waits to retry it is ImagePullBackOff; other failures keep their reason. */
    private static PodStatus.Waiting failureWaiting(Container c, ContainerHistory.StartFailure failure) {
        if ("ErrImagePull".equals(failure.reason())) {
            return new PodStatus.Waiting("ImagePullBackOff", "Back-off pulling image \"" + c.image() + "\": "
                    + failure.message());
        }
        return new PodStatus.Waiting(failure.reason(), failure.message());
    }

    private void noteNotRestarted(List<Container> containers) {
        for (Container c : containers) {
            ContainerView latest = newestOf(c.name());
            if (latest != null && latest.exited()) {
                exits.add(new Exit(latest, Outcome.NOT_RESTARTED, latest.attempt(), null));
            }
        }
    }

    /** A pinned UID keeps the pod's version across edits: instances of containers the spec no longer has stop. */
    private void killContainersNoLongerInTheSpec() {
        Set<String> names = names();
        mine.stream().filter(ContainerView::running).filter(c -> !names.contains(c.name()))
                .forEach(c -> kill(c, KillReason.SPEC_CHANGED));
    }

    private void kill(ContainerView c, KillReason reason) {
        if (kills.stream().noneMatch(k -> k.container().id().equals(c.id()))) {
            kills.add(new Kill(c, reason));
        }
    }

    private boolean shouldRestart(ContainerView latest) {
        if (latest == null || latest.state() == ContainerState.CREATED || latest.state() == ContainerState.UNKNOWN) {
            return true;
        }
        return switch (policy) {
            case Always -> true;
            case OnFailure -> latest.exitCode() != 0;
            case Never -> false;
        };
    }

    private static boolean succeeded(ContainerView c) {
        return c != null && c.exited() && c.exitCode() == 0;
    }

    private static boolean failed(ContainerView c) {
        return c.state() == ContainerState.UNKNOWN || c.exited() && c.exitCode() != 0;
    }

    private Set<String> names() {
        Set<String> names = new java.util.HashSet<>();
        pod.pod().spec().initContainers().forEach(c -> names.add(c.name()));
        pod.pod().spec().containers().forEach(c -> names.add(c.name()));
        return names;
    }

    private List<ContainerView> instancesOf(String name) {
        return mine.stream().filter(c -> c.name().equals(name)).sorted(ContainerView.NEWEST_FIRST).toList();
    }

    private ContainerView newestOf(String name) {
        List<ContainerView> all = instancesOf(name);
        return all.isEmpty() ? null : all.get(0);
    }

    private ContainerView newestIn(String name, Sandbox s) {
        return instancesOf(name).stream().filter(c -> s.id().equals(c.sandboxId())).findFirst().orElse(null);
    }
}
