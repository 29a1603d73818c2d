package io.staticpod.it;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.staticpod.it.RuntimeObserver.Seen;
import io.staticpod.it.apiserver.ApiServerExtension;
import io.staticpod.it.apiserver.ApiServerFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The agent killed with SIGKILL in the middle of its work, then started again, round after round: pods are added,
 * changed and removed, and the agent dies at, or 100 to 400 ms after, a chosen step of that work showing in its log
 * (a sandbox created, a container started, a pod being killed or just stopped, a mirror being created or deleted) or
 * the manifest being written. The steps are shuffled, and delays and pods drawn, by a seeded {@link Random}
 * ({@code -Dspa.kill.seed=N} replays another schedule); each runtime plays one part of the schedule. After each restart the node must converge to the manifests: one sandbox and one running container per
 * container name in every pod, nothing left of removed pods or old versions (containers, state directories,
 * mirrors), the mirrors equal to the manifests, and every container of a pod that the round did not touch still the
 * same container, never restarted. Runs on Docker ({@link AgentKillDockerIT}) and containerd through CRI
 * ({@link AgentKillCriIT}), publishing mirrors to a real API server.
 */
@ExtendWith(ApiServerExtension.class)
abstract class AgentKillTests {
    static final String TRAP = "trap 'exit 0' TERM; while true; do sleep 3600 & wait $!; done";
    static final List<String> CONTAINERS = List.of("a", "b");

    /** Where the agent is when it is killed: the log line it just wrote about the pod, or none. */
    enum Moment {
        WRITTEN(null),
        SANDBOX_CREATED("Created sandbox of static pod"),
        CONTAINER_STARTED("Started container of static pod"),
        KILLING("Killing static pod containers"),
        STOPPED("Stopped static pod containers"),
        MIRROR_CREATING("Creating mirror pod"),
        MIRROR_DELETING("Deleting mirror pod");

        final String line;

        Moment(String line) {
            this.line = line;
        }
    }

    enum Action { ADD, CHANGE, REMOVE }

    /** The schedule: each pair once, in an order the seed decides. */
    static final List<Map.Entry<Action, Moment>> STEPS = List.of(
            Map.entry(Action.ADD, Moment.CONTAINER_STARTED),
            Map.entry(Action.CHANGE, Moment.KILLING),
            Map.entry(Action.CHANGE, Moment.STOPPED),
            Map.entry(Action.CHANGE, Moment.SANDBOX_CREATED),
            Map.entry(Action.REMOVE, Moment.KILLING),
            Map.entry(Action.REMOVE, Moment.STOPPED),
            Map.entry(Action.ADD, Moment.MIRROR_CREATING),
            Map.entry(Action.REMOVE, Moment.MIRROR_DELETING),
            Map.entry(Action.CHANGE, Moment.WRITTEN));

    private final ApiServerFixture api;
    private final KubernetesClient admin;
    private final RuntimeObserver runtime = observer();
    private final String node = "kill-" + UUID.randomUUID().toString().substring(0, 8);
    private final String ns = "kill-" + UUID.randomUUID().toString().substring(0, 8);
    /** The version of each pod's manifest, by pod name; a pod without a manifest is absent. */
    private final Map<String, Integer> desired = new TreeMap<>();
    @TempDir
    Path tmp;
    Path manifests;
    Path root;
    AgentProcess agent;

    AgentKillTests(ApiServerFixture api) {
        this.api = api;
        this.admin = api.adminClient();
    }

    abstract RuntimeObserver observer();

    /**
     * Which part of the shuffled schedule this runtime plays: the first five steps, or the last five (the runtimes
     * share one step, and together play every step of a seed within the time a test may take).
     */
    abstract boolean firstPart();

    @BeforeEach
    void setUp() throws IOException {
        runtime.require();
        manifests = Files.createDirectories(tmp.resolve("manifests"));
        root = Files.createDirectories(tmp.resolve("root"));
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .create();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (agent != null) {
            agent.close();
        }
        runtime.removeAll(node);
        admin.namespaces().withName(ns).delete();
        admin.nodes().withName(node).delete();
    }

    private void startAgent() throws IOException {
        List<String> args = new ArrayList<>(runtime.agentArgs());
        args.addAll(List.of("--kubeconfig", api.nodeKubeconfig(node).toString(), "--healthz-port", "0"));
        agent = AgentProcess.start(manifests, node, root, args.toArray(String[]::new));
    }

    @Test
    void killedAtChosenMomentsOfItsWorkItConvergesWithoutDuplicatesOrphansOrNeedlessRestarts() throws Exception {
        long seed = Long.getLong("spa.kill.seed", 20261129L);
        Random random = new Random(seed);
        List<Map.Entry<Action, Moment>> steps = new ArrayList<>(STEPS);
        Collections.shuffle(steps, random);
        int part = (steps.size() + 1) / 2;
        steps = firstPart() ? steps.subList(0, part) : steps.subList(steps.size() - part, steps.size());
        System.out.println("[kill] seed=" + seed + " steps=" + steps);

        write("steady", 1);
        write("c1", 1);
        write("c2", 1);
        startAgent();
        awaitConverged("the first start");
        Map<String, String> steady = runningIds(Set.of("steady"));

        for (int round = 1; round <= steps.size(); round++) {
            Action action = steps.get(round - 1).getKey();
            Moment moment = steps.get(round - 1).getValue();
            List<String> present = desired.keySet().stream().filter(p -> p.startsWith("c")).toList();
            List<String> absent = Stream.of("c1", "c2", "c3").filter(p -> !desired.containsKey(p)).toList();
            if (action == Action.ADD && absent.isEmpty() || action == Action.REMOVE && present.size() < 2) {
                action = Action.CHANGE;
            }
            String pod = switch (action) {
                case ADD -> absent.get(random.nextInt(absent.size()));
                case CHANGE, REMOVE -> present.get(random.nextInt(present.size()));
            };
            Duration after = Duration.ofMillis(100L * random.nextInt(5));
            String what = "round " + round + ": " + action + " " + pod + ", killed " + after.toMillis() + " ms after "
                    + moment;
            System.out.println("[kill] " + what);
            Set<String> untouched = new HashSet<>(desired.keySet());
            untouched.remove(pod);
            Map<String, String> before = runningIds(untouched);

            int mark = agent.lines().size();
            switch (action) {
                case ADD -> write(pod, 1);
                case CHANGE -> write(pod, desired.get(pod) + 1);
                case REMOVE -> remove(pod);
            }
            if (moment.line != null) {
                String podName = ns + "/" + pod + "-" + node;
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(10))
                        .alias(what + ": a log line '" + moment.line + "' about " + podName)
                        .until(() -> agent.lines().stream().skip(mark)
                                .anyMatch(l -> l.contains(moment.line) && l.contains(podName)));
            }
            if (!after.isZero()) {
                // not a wait for anything: the agent goes on with its work for a while before it dies
                await().pollDelay(after).atMost(after.plusSeconds(10)).until(() -> true);
            }
            agent.kill9();
            startAgent();
            agent.awaitLog(Duration.ofSeconds(60), "Adding static pod", "steady-" + node); // its first full scan

            awaitConverged(what);
            assertThat(runningIds(untouched)).as(what + ": the containers of the pods it did not touch")
                    .isEqualTo(before);
            for (String p : untouched) {
                assertThat(agent.lines()).as(what + ": the restarted agent's work on " + p)
                        .noneMatch(l -> l.contains("pod=" + ns + "/" + p + "-" + node + " ")
                                && (l.contains("Created sandbox") || l.contains("Started container")
                                || l.contains("Killing static pod")));
            }
            assertThat(runningIds(Set.of("steady"))).as(what + ": the steady pod's containers").isEqualTo(steady);
        }
        assertThat(runtime.running(node)).as("nothing of the steady pod was ever restarted")
                .filteredOn(c -> ("steady-" + node).equals(c.label("io.kubernetes.pod.name")) && !c.sandbox())
                .allSatisfy(c -> assertThat(c.restartCount()).isZero());
    }

    private void write(String pod, int version) throws IOException {
        StringBuilder yaml = new StringBuilder("""
                apiVersion: v1
                kind: Pod
                metadata: {name: %s, namespace: %s}
                spec:
                  terminationGracePeriodSeconds: 2
                  containers:
                """.formatted(pod, ns));
        for (String c : CONTAINERS) {
            yaml.append("""
                      - name: %s
                        image: %s
                        command: ["sh", "-c", "echo v%d; %s"]
                    """.formatted(c, ItEnvironment.BUSYBOX, version, TRAP));
        }
        Path t = manifests.resolve("." + pod + ".yaml.tmp");
        Files.writeString(t, yaml.toString(), StandardCharsets.UTF_8);
        Files.move(t, manifests.resolve(pod + ".yaml"), StandardCopyOption.ATOMIC_MOVE);
        desired.put(pod, version);
    }

    private void remove(String pod) throws IOException {
        Files.delete(manifests.resolve(pod + ".yaml"));
        desired.remove(pod);
    }

    /** The running containers of these pods: container id by {@code pod/container}. */
    private Map<String, String> runningIds(Set<String> pods) {
        Map<String, String> ids = new TreeMap<>();
        for (Seen c : runtime.running(node)) {
            String pod = c.label("io.kubernetes.pod.name");
            if (pods.stream().anyMatch(p -> (p + "-" + node).equals(pod))) {
                ids.put(pod + "/" + c.label("io.kubernetes.container.name") + "#" + c.id(), c.id());
            }
        }
        return ids;
    }

    private void awaitConverged(String what) {
        long start = System.nanoTime();
        List<List<String>> seen = new ArrayList<>();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .untilAsserted(() -> {
                    List<String> problems = problems();
                    if (!problems.isEmpty() && (seen.isEmpty() || !seen.get(seen.size() - 1).equals(problems))) {
                        seen.add(problems);
                    }
                    assertThat(problems).as(what + ": what differs from the manifests").isEmpty();
                });
        System.out.printf("[kill] %s: converged in %d ms; on the way: %s%n", what,
                (System.nanoTime() - start) / 1_000_000, seen);
    }

    /** Everything that differs from the manifests, on the runtime, on disk and in the API server. */
    private List<String> problems() {
        List<String> problems = new ArrayList<>();
        List<Seen> all = runtime.all(node);
        Map<String, List<Seen>> byPod = all.stream()
                .collect(Collectors.groupingBy(c -> c.label("io.kubernetes.pod.name")));
        Set<String> wanted = desired.keySet().stream().map(p -> p + "-" + node).collect(Collectors.toSet());
        byPod.keySet().stream().filter(p -> !wanted.contains(p))
                .forEach(p -> problems.add("containers of a removed pod: " + names(byPod.get(p))));
        Set<String> uids = new HashSet<>();
        Map<String, Pod> mirrors = admin.pods().inNamespace(ns).list().getItems().stream()
                .filter(m -> m.getMetadata().getDeletionTimestamp() == null)
                .collect(Collectors.toMap(m -> m.getMetadata().getName(), m -> m));
        if (!mirrors.keySet().equals(wanted)) {
            problems.add("mirrors " + new TreeMap<>(mirrors).keySet() + ", manifests " + wanted);
        }
        for (Map.Entry<String, Integer> pod : desired.entrySet()) {
            String name = pod.getKey() + "-" + node;
            List<Seen> mine = byPod.getOrDefault(name, List.of());
            Set<String> runningUids = mine.stream().filter(Seen::running)
                    .map(c -> c.label("io.kubernetes.pod.uid")).collect(Collectors.toSet());
            if (runningUids.size() != 1) {
                problems.add(name + ": running containers of " + runningUids.size() + " versions: " + names(mine));
                continue;
            }
            String uid = runningUids.iterator().next();
            uids.add(uid);
            mine.stream().filter(c -> !uid.equals(c.label("io.kubernetes.pod.uid")))
                    .forEach(c -> problems.add(name + ": a container of another version: " + c.name()));
            long sandboxes = mine.stream().filter(c -> "POD".equals(c.label("io.kubernetes.container.name"))).count();
            if (sandboxes != 1 || mine.stream().noneMatch(c -> c.running()
                    && "POD".equals(c.label("io.kubernetes.container.name")))) {
                problems.add(name + ": not exactly one running sandbox: " + names(mine));
            }
            for (String c : CONTAINERS) {
                long running = mine.stream().filter(Seen::running)
                        .filter(s -> c.equals(s.label("io.kubernetes.container.name"))).count();
                if (running != 1) {
                    problems.add(name + ": " + running + " running instances of container " + c + ": " + names(mine));
                }
            }
            Pod mirror = mirrors.get(name);
            if (mirror != null) {
                String hash = mirror.getMetadata().getAnnotations().get("kubernetes.io/config.mirror");
                if (!uid.equals(hash)) {
                    problems.add(name + ": the mirror's hash " + hash + " is not the running version " + uid);
                }
                String command = String.join(" ", mirror.getSpec().getContainers().get(0).getCommand());
                if (!command.contains("echo v" + pod.getValue() + ";")) {
                    problems.add(name + ": the mirror is not version " + pod.getValue() + ": " + command);
                }
            }
        }
        Set<String> dirs;
        try (Stream<Path> list = Files.list(root.resolve("pods"))) {
            dirs = list.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        } catch (IOException e) {
            dirs = Set.of();
        }
        if (!uids.isEmpty() && !dirs.equals(uids)) {
            problems.add("pod state directories " + dirs + ", running pods " + uids);
        }
        return problems;
    }

    private static List<String> names(List<Seen> containers) {
        return containers.stream().map(c -> c.name() + (c.running() ? "" : " (not running)")).sorted().toList();
    }
}
