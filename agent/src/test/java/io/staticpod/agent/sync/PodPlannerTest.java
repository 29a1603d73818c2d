package io.staticpod.agent.sync;

import io.staticpod.agent.relist.ContainerView;
import io.staticpod.agent.relist.PodView;
import io.staticpod.agent.sync.ContainerHistory.BackOff;
import io.staticpod.agent.sync.ContainerHistory.StartFailure;
import io.staticpod.agent.sync.PodActions.KillReason;
import io.staticpod.agent.sync.PodActions.SandboxPlan;
import io.staticpod.agent.testing.TestPods;
import io.staticpod.manifest.PodIdentity;
import io.staticpod.manifest.StaticPod;
import io.staticpod.runtime.spi.ContainerState;
import io.staticpod.runtime.spi.Sandbox;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The planner as a table, one row per kubelet behaviour: pod + what the runtime has + the restart history (+ probe
 * verdicts) → the actions, written as {@link #describe}. Ids say what they are: {@code sb1} is the sandbox of attempt
 * 1, {@code app-2} the third instance of {@code app}.
 */
class PodPlannerTest {
    static final Instant NOW = Seen.T0.plusSeconds(3600);

    static final StaticPod WEB = TestPods.pod("web", "");
    static final StaticPod WEB_V2 = TestPods.pod("web", "  terminationGracePeriodSeconds: 5");
    static final StaticPod ON_FAILURE = TestPods.pod("job", "  restartPolicy: OnFailure");
    static final StaticPod NEVER = TestPods.pod("once", "  restartPolicy: Never");
    static final StaticPod INITS = TestPods.parse("init", """
            apiVersion: v1
            kind: Pod
            metadata: {name: init}
            spec:
              initContainers:
              - {name: first, image: busybox:test, command: ["true"]}
              - {name: second, image: busybox:test, command: ["true"]}
              containers:
              - {name: app, image: busybox:test, command: [sleep, "3600"]}
            """);
    static final StaticPod INITS_NEVER = TestPods.parse("initnever", """
            apiVersion: v1
            kind: Pod
            metadata: {name: initnever}
            spec:
              restartPolicy: Never
              initContainers:
              - {name: first, image: busybox:test, command: ["false"]}
              containers:
              - {name: app, image: busybox:test}
            """);

    record Row(String behaviour, StaticPod desired, StaticPod viewOf, Seen seen, Map<String, ContainerHistory> history,
               Map<String, KillReason> unhealthy, String expected) {
        @Override
        public String toString() {
            return behaviour;
        }
    }

    static Row row(String behaviour, StaticPod pod, Seen seen, String expected) {
        return new Row(behaviour, pod, pod, seen, Map.of(), Map.of(), expected);
    }

    static Row row(String behaviour, StaticPod pod, Seen seen, Map<String, ContainerHistory> history,
                   String expected) {
        return new Row(behaviour, pod, pod, seen, history, Map.of(), expected);
    }

    /** A back-off entry raised {@code ago} with {@code delay}, and the exit of {@code exited} seen {@code seenAgo}. */
    static Map<String, ContainerHistory> backOff(String container, long delay, Duration ago, String exited,
                                                 Duration seenAgo) {
        return Map.of(container, new ContainerHistory(new BackOff(Duration.ofSeconds(delay), NOW.minus(ago)), exited,
                NOW.minus(seenAgo), null));
    }

    static Stream<Row> rows() {
        Duration s = Duration.ofSeconds(1);
        return Stream.of(
                row("first start: a sandbox of attempt 0, then every container", WEB, Seen.nothing(),
                        "sandbox: create 0 | start: app#0"),
                row("a running pod: nothing to do", WEB, Seen.nothing().sandbox(WEB, 0, true).running(WEB, "app", 0, 0),
                        "sandbox: keep sb0"),
                row("adoption after an agent restart: the same containers keep running, the previous instance stays",
                        WEB, Seen.nothing().sandbox(WEB, 0, true).exited(WEB, "app", 0, 0, 137)
                                .running(WEB, "app", 1, 0), "sandbox: keep sb0"),
                row("Always: the first crash restarts at once", WEB,
                        Seen.nothing().sandbox(WEB, 0, true).exited(WEB, "app", 0, 0, 1),
                        "sandbox: keep sb0 | start: app#1 (after an exit) | exits: app-0=RESTARTING"),
                row("Always: an exit with 0 restarts too", WEB,
                        Seen.nothing().sandbox(WEB, 0, true).exited(WEB, "app", 0, 0, 0),
                        "sandbox: keep sb0 | start: app#1 (after an exit) | exits: app-0=RESTARTING"),
                row("OnFailure: a failure restarts", ON_FAILURE,
                        Seen.nothing().sandbox(ON_FAILURE, 0, true).exited(ON_FAILURE, "app", 0, 0, 2),
                        "sandbox: keep sb0 | start: app#1 (after an exit) | exits: app-0=RESTARTING"),
                row("OnFailure: a success is not restarted; the pod is done and its sandbox stops", ON_FAILURE,
                        Seen.nothing().sandbox(ON_FAILURE, 0, true).exited(ON_FAILURE, "app", 0, 0, 0),
                        "stop sandboxes: sb0 | exits: app-0=NOT_RESTARTED"),
                row("OnFailure: a done pod whose sandbox stopped gets no new one", ON_FAILURE,
                        Seen.nothing().sandbox(ON_FAILURE, 0, false).exited(ON_FAILURE, "app", 0, 0, 0), ""),
                row("Never: a failure is not restarted; the pod is done and its sandbox stops", NEVER,
                        Seen.nothing().sandbox(NEVER, 0, true).exited(NEVER, "app", 0, 0, 1),
                        "stop sandboxes: sb0 | exits: app-0=NOT_RESTARTED"),
                row("Never: a pod that ran gets no new sandbox", NEVER,
                        Seen.nothing().sandbox(NEVER, 0, false).exited(NEVER, "app", 0, 0, 1),
                        "exits: app-0=NOT_RESTARTED"),
                row("Never: a pod that ran is not started over even when its sandbox was removed", NEVER,
                        Seen.nothing().exited(NEVER, "app", 0, 0, 0), "exits: app-0=NOT_RESTARTED"),
                row("in back-off: the container waits, CrashLoopBackOff, until the delay has passed since its exit", WEB,
                        Seen.nothing().sandbox(WEB, 0, true).exited(WEB, "app", 1, 0, 1),
                        backOff("app", 10, s.multipliedBy(5), "app-1", s.multipliedBy(2)),
                        "sandbox: keep sb0 | wake: +8s | waiting: app=CrashLoopBackOff | exits: app-1=BACK_OFF(10s)"),
                row("the back-off over: it restarts", WEB,
                        Seen.nothing().sandbox(WEB, 0, true).exited(WEB, "app", 1, 0, 1),
                        backOff("app", 20, s.multipliedBy(30), "app-1", s.multipliedBy(20)),
                        "sandbox: keep sb0 | start: app#2 (after an exit) | exits: app-1=RESTARTING"),
                row("a container that ran for 10 minutes restarts at once", WEB,
                        Seen.nothing().sandbox(WEB, 0, true).exited(WEB, "app", 7, 0, 1),
                        backOff("app", 300, Duration.ofMinutes(11), "app-7", Duration.ZERO),
                        "sandbox: keep sb0 | start: app#8 (after an exit) | exits: app-7=RESTARTING"),
                row("a failed start waits with its own reason: a pull that failed is ImagePullBackOff", WEB,
                        Seen.nothing().sandbox(WEB, 0, true),
                        Map.of("app", new ContainerHistory(new BackOff(Duration.ofSeconds(10), NOW.minusSeconds(3)),
                                null, null, new StartFailure(NOW.minusSeconds(2), "ErrImagePull", "no registry"))),
                        "sandbox: keep sb0 | wake: +8s | waiting: app=ImagePullBackOff"),
                row("init containers: the first one first", INITS, Seen.nothing().sandbox(INITS, 0, true),
                        "sandbox: keep sb0 | init: first#0"),
                row("init containers: the next once the first succeeded", INITS,
                        Seen.nothing().sandbox(INITS, 0, true).exited(INITS, "first", 0, 0, 0),
                        "sandbox: keep sb0 | init: second#0"),
                row("init containers: nothing else while one runs", INITS,
                        Seen.nothing().sandbox(INITS, 0, true).exited(INITS, "first", 0, 0, 0)
                                .running(INITS, "second", 0, 0), "sandbox: keep sb0"),
                row("init containers: the app containers once all succeeded", INITS,
                        Seen.nothing().sandbox(INITS, 0, true).exited(INITS, "first", 0, 0, 0)
                                .exited(INITS, "second", 0, 0, 0), "sandbox: keep sb0 | start: app#0"),
                row("init containers: a failed one is restarted (Always)", INITS,
                        Seen.nothing().sandbox(INITS, 0, true).exited(INITS, "first", 0, 0, 1),
                        "sandbox: keep sb0 | init: first#1 (after an exit) | exits: first-0=RESTARTING"),
                row("init containers: a new sandbox runs them again, successes in the old one do not count", INITS,
                        Seen.nothing().sandbox(INITS, 0, false).sandbox(INITS, 1, true)
                                .exited(INITS, "first", 0, 0, 0).exited(INITS, "second", 0, 0, 0)
                                .exited(INITS, "app", 0, 0, 137), "sandbox: keep sb1 | init: first#1 (after an exit)"),
                row("init containers: a failed one with Never fails the pod: its sandbox stops", INITS_NEVER,
                        Seen.nothing().sandbox(INITS_NEVER, 0, true).exited(INITS_NEVER, "first", 0, 0, 1),
                        "stop sandboxes: sb0 | exits: first-0=POD_FAILED"),
                row("a changed container hash (a pinned UID) replaces the container", WEB,
                        Seen.nothing().sandbox(WEB, 0, true).runningWithHash(WEB, "app", 0, 0, "0123456789abcdef"),
                        "kill: app-0(SPEC_CHANGED) | sandbox: keep sb0 | start: app#1"),
                row("a sandbox not ready is replaced by the next attempt; what ran in it stops", WEB,
                        Seen.nothing().sandbox(WEB, 0, false).running(WEB, "app", 0, 0),
                        "kill: app-0(SANDBOX_REPLACED) | sandbox: create 1 | start: app#1"),
                row("a sandbox removed behind the agent's back: a new one, the containers restart in it", WEB,
                        Seen.nothing().exited(WEB, "app", 0, 0, 137),
                        "sandbox: create 0 | start: app#1 (after an exit) | exits: app-0=RESTARTING"),
                row("a container still running in a sandbox that is not the current one moves", WEB,
                        Seen.nothing().sandbox(WEB, 0, false).sandbox(WEB, 1, true).running(WEB, "app", 0, 0),
                        "kill: app-0(SANDBOX_REPLACED) | sandbox: keep sb1 | start: app#1"),
                new Row("a newer version: the old version's containers and sandbox stop first", WEB_V2, WEB,
                        Seen.nothing().sandbox(WEB, 0, true).running(WEB, "app", 0, 0), Map.of(), Map.of(),
                        "stop other: app-0 | stop other sandboxes: sb0 | sandbox: create 0 | start: app#0"),
                new Row("removal: everything of the pod stops", null, WEB,
                        Seen.nothing().sandbox(WEB, 0, true).running(WEB, "app", 0, 0).exited(WEB, "app", 1, 0, 0),
                        Map.of(), Map.of(), "stop other: app-0, app-1 | stop other sandboxes: sb0"),
                row("duplicates after a kill -9: an older instance running beside the newest is stopped and removed",
                        WEB, Seen.nothing().sandbox(WEB, 0, true).running(WEB, "app", 0, 0).running(WEB, "app", 1, 0),
                        "kill: app-0(DUPLICATE) | sandbox: keep sb0"),
                new Row("a failed liveness probe stops the container, which restarts (Always)", WEB, WEB,
                        Seen.nothing().sandbox(WEB, 0, true).running(WEB, "app", 0, 0), Map.of(),
                        Map.of("app-0", KillReason.LIVENESS),
                        "kill: app-0(LIVENESS) | sandbox: keep sb0 | start: app#1"),
                new Row("a failed liveness probe with Never: stopped, not restarted; the pod is done", NEVER, NEVER,
                        Seen.nothing().sandbox(NEVER, 0, true).running(NEVER, "app", 0, 0), Map.of(),
                        Map.of("app-0", KillReason.LIVENESS), "kill: app-0(LIVENESS) | stop sandboxes: sb0"),
                row("old dead instances go; the newest dead one stays for kubectl logs --previous", WEB,
                        Seen.nothing().sandbox(WEB, 0, true).exited(WEB, "app", 0, 0, 1).exited(WEB, "app", 1, 0, 1)
                                .running(WEB, "app", 2, 0), "remove: app-0 | sandbox: keep sb0"),
                row("an old sandbox goes once nothing is left in it", WEB,
                        Seen.nothing().sandbox(WEB, 0, false).sandbox(WEB, 1, true).exited(WEB, "app", 0, 0, 1)
                                .exited(WEB, "app", 1, 1, 1).running(WEB, "app", 2, 1),
                        "remove: app-0 | remove sandboxes: sb0 | sandbox: keep sb1"),
                row("a container created but never started (an agent killed in between) is started anew", WEB,
                        Seen.nothing().sandbox(WEB, 0, true).in(WEB, "app", 0, 0, ContainerState.CREATED),
                        "sandbox: keep sb0 | start: app#1"),
                row("a changed sandbox hash (a pinned UID, hostNetwork or ports edited): the pod is killed and starts "
                        + "over in a new sandbox, as the kubelet's podSandboxChanged", WEB,
                        Seen.nothing().sandboxWithHash(WEB, 0, true, "0123456789abcdef").running(WEB, "app", 0, 0),
                        "kill: app-0(SANDBOX_CHANGED) | stop sandboxes: sb0 | sandbox: create 1 | start: app#1"),
                row("a changed sandbox hash with init containers: they run again in the new sandbox", INITS,
                        Seen.nothing().sandboxWithHash(INITS, 0, true, "0123456789abcdef")
                                .exited(INITS, "first", 0, 0, 0).exited(INITS, "second", 0, 0, 0)
                                .running(INITS, "app", 0, 0),
                        "kill: app-0(SANDBOX_CHANGED) | stop sandboxes: sb0 | sandbox: create 1 "
                                + "| init: first#1 (after an exit)"),
                row("the same sandbox hash: nothing to do", WEB,
                        Seen.nothing().sandboxWithHash(WEB, 0, true, PodIdentity.sandboxHash(WEB.pod()))
                                .running(WEB, "app", 0, 0), "sandbox: keep sb0"),
                row("a sandbox without the hash label (an older agent's) is adopted, not recreated", WEB,
                        Seen.nothing().sandboxWithHash(WEB, 0, true, null).running(WEB, "app", 0, 0),
                        "sandbox: keep sb0"),
                row("a container in an unknown state is stopped first, then started anew", WEB,
                        Seen.nothing().sandbox(WEB, 0, true).in(WEB, "app", 0, 0, ContainerState.UNKNOWN),
                        "kill: app-0(UNKNOWN_STATE) | sandbox: keep sb0 | start: app#1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void plans(Row row) {
        PodView view = row.seen().view(row.viewOf());

        PodActions actions = PodPlanner.plan(row.desired(), view, row.history(), row.unhealthy(), NOW);

        assertThat(describe(actions, NOW)).isEqualTo(row.expected());
    }

    /** The actions in one line, steps in order, empty steps left out. */
    static String describe(PodActions a, Instant now) {
        List<String> parts = new ArrayList<>();
        add(parts, "stop other", ids(a.otherContainers()));
        add(parts, "stop other sandboxes", a.otherSandboxes().stream().map(Sandbox::id).toList());
        add(parts, "kill", a.kills().stream().map(k -> k.container().id() + "(" + k.reason() + ")").toList());
        add(parts, "stop sandboxes", a.sandboxesToStop().stream().map(Sandbox::id).toList());
        add(parts, "remove", ids(a.removals()));
        add(parts, "remove sandboxes", a.sandboxRemovals().stream().map(Sandbox::id).toList());
        if (a.sandbox() instanceof SandboxPlan.Keep keep) {
            parts.add("sandbox: keep " + keep.sandbox().id());
        } else if (a.sandbox() instanceof SandboxPlan.Create create) {
            parts.add("sandbox: create " + create.attempt());
        }
        if (a.nextInit() != null) {
            parts.add("init: " + start(a.nextInit()));
        }
        add(parts, "start", a.starts().stream().map(PodPlannerTest::start).toList());
        if (a.wakeAt() != null) {
            parts.add("wake: +" + Duration.between(now, a.wakeAt()).toSeconds() + "s");
        }
        add(parts, "waiting", new TreeMap<>(a.waiting()).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue().reason()).toList());
        add(parts, "exits", a.exits().stream().map(e -> e.instance().id() + "=" + e.outcome()
                + (e.backOff() == null ? "" : "(" + e.backOff().toSeconds() + "s)")).toList());
        return String.join(" | ", parts);
    }

    private static String start(PodActions.Start s) {
        return s.container().name() + "#" + s.attempt() + (s.backOffEvent() == null ? "" : " (after an exit)");
    }

    private static List<String> ids(List<ContainerView> containers) {
        return containers.stream().map(ContainerView::id).sorted().toList();
    }

    private static void add(List<String> parts, String label, List<String> items) {
        if (!items.isEmpty()) {
            parts.add(label + ": " + items.stream().collect(Collectors.joining(", ")));
        }
    }
}
