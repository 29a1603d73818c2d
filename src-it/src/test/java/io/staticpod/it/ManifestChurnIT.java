package io.staticpod.it;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Churn: thousands of random file operations on the manifest directory over minutes — create, edit in place, atomic
 * replace through a temporary file, rename, delete, editor backups and swap files, invalid manifests, two files
 * naming the same pod — while a model follows the project's policies (a file that turns invalid keeps its last good
 * version; of two files naming one pod the first in sorted order wins; leftovers are ignored). At the end, the
 * running containers (a dockerd of the test's own, through the Docker Engine API) and the mirror pods (a real API
 * server) must be exactly the model, and the agent's log must name every file that is invalid or a losing duplicate.
 *
 * <p>Seeded: {@code -Dchurn.seed=N} replays a run (the seed is printed); {@code -Dchurn.seconds=N} sets how long the
 * operations go on (default 100).
 */
@ExtendWith(ApiServerExtension.class)
class ManifestChurnIT {
    static final String SLEEP = OneAgentOnDocker.SLEEP;
    static final int PODS = 15;
    /** Pods below this number are on a network of their own; the others use the host's (in a sandbox too). */
    static final int OWN_NETWORK = 3;
    /** A file's content is certainly seen by the agent this long after it was written (2 s re-list, plus slack). */
    static final long ESTABLISHED_NANOS = TimeUnit.SECONDS.toNanos(5);

    enum Op {
        CREATE, DUPLICATE, EDIT, ATOMIC_REPLACE, RENAME, DELETE, BACKUP, CLEAN_LEFTOVER, INVALID_NEW, BREAK
    }

    private final ApiServerFixture api;
    private final KubernetesClient admin;
    /*
     * On a dockerd of the test's own: Docker 20.10 (Debian's docker.io) has a libnetwork lock-order deadlock that
     * thousands of container stops in a few minutes can hit (moby/moby#46661: every `docker inspect` of the affected
     * containers hangs for good); a private engine keeps that from taking the shared one, and the suite, with it.
     */
    private final PrivateDockerObserver runtime = new PrivateDockerObserver();
    private final String node = "churn-" + UUID.randomUUID().toString().substring(0, 8);
    @TempDir
    Path tmp;
    Path manifests;
    AgentProcess agent;

    ManifestChurnIT(ApiServerFixture api) {
        this.api = api;
        this.admin = api.adminClient();
    }

    @BeforeEach
    void setUp() throws IOException {
        runtime.require();
        manifests = Files.createDirectories(tmp.resolve("manifests"));
        List<String> args = new java.util.ArrayList<>(runtime.agentArgs());
        args.addAll(List.of("--kubeconfig", api.nodeKubeconfig(node).toString()));
        agent = AgentProcess.start(manifests, node, Files.createDirectories(tmp.resolve("root")),
                args.toArray(String[]::new));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (agent != null) {
            agent.close();
        }
        runtime.close(); // removes everything with the engine
        admin.pods().inAnyNamespace().withField("spec.nodeName", node).list().getItems().forEach(p ->
                admin.pods().inNamespace(p.getMetadata().getNamespace()).withName(p.getMetadata().getName())
                        .withGracePeriod(0).delete());
    }

    /** A pod version as the model knows it: the pod's name and the VERSION its container runs with. */
    record Good(String pod, int version) {
    }

    /** A file in the directory: what it holds (null: not valid) and whether the agent reads it as a manifest. */
    record FileState(Good good, boolean manifest, long writtenAt) {
    }

    /** The directory as written, and what the agent keeps of each manifest file: its last good version. */
    final class Model {
        final Map<String, FileState> files = new TreeMap<>();
        final Map<String, Good> lastGood = new HashMap<>();
        final EnumMap<Op, Integer> done = new EnumMap<>(Op.class);

        void put(String name, Good good, boolean manifest) {
            files.put(name, new FileState(good, manifest, System.nanoTime()));
            if (manifest && good != null) {
                lastGood.put(name, good);
            }
        }

        void remove(String name) {
            files.remove(name);
            lastGood.remove(name);
        }

        List<String> manifests(Predicate<FileState> filter) {
            return files.entrySet().stream().filter(e -> e.getValue().manifest() && filter.test(e.getValue()))
                    .map(Map.Entry::getKey).toList();
        }

        /** What runs at the end, by pod name: the winning file and its version, as the agent's policies say. */
        Map<String, Expected> expected() {
            Map<String, Expected> winners = new TreeMap<>();
            for (String file : manifests(f -> true)) { // sorted by name, as the agent lists them
                FileState state = files.get(file);
                Good pod = state.good() != null ? state.good() : lastGood.get(file);
                if (pod != null) {
                    winners.putIfAbsent(pod.pod(), new Expected(manifests.resolve(file).toString(), pod.version()));
                }
            }
            return winners;
        }

        /** Files that are manifests but invalid now. */
        List<String> invalid() {
            return manifests(f -> f.good() == null);
        }

        /** Files whose pod (valid, or kept from before) loses to a file sorted before it. */
        List<String> losers() {
            Map<String, Expected> winners = expected();
            List<String> out = new ArrayList<>();
            for (String file : manifests(f -> true)) {
                FileState state = files.get(file);
                Good pod = state.good() != null ? state.good() : lastGood.get(file);
                if (pod != null && !winners.get(pod.pod()).file().equals(manifests.resolve(file).toString())) {
                    out.add(file);
                }
            }
            return out;
        }
    }

    record Expected(String file, int version) {
    }

    /** What is seen of one pod: its file label, the VERSION of its running app containers, its sandboxes. */
    record Observed(String file, List<Integer> versions, int sandboxes) {
    }

    private Random random;
    private int counter;

    @Test
    void thousandsOfFileOperationsEndWithContainersAndMirrorsExactlyAsTheFilesSay() throws Exception {
        long seed = Long.getLong("churn.seed", new Random().nextLong());
        Duration duration = Duration.ofSeconds(Long.getLong("churn.seconds", 100));
        System.out.println("[churn] seed=" + seed + " (replay with -Dchurn.seed=" + seed + ") duration=" + duration
                + " node=" + node);
        random = new Random(seed);
        Model model = new Model();
        // guards, which the random operations leave alone, so that every policy is surely in the end state: a
        // file broken long after its good version was seen, and two files naming one pod
        guard(model, "guard-kept.yaml", "guard-kept");
        guard(model, "guard-dup-1.yaml", "guard-dup");
        guard(model, "guard-dup-2.yaml", "guard-dup");

        long end = System.nanoTime() + duration.toNanos();
        long breakGuard = end - TimeUnit.SECONDS.toNanos(8);
        int ops = 0;
        while (System.nanoTime() < end) {
            if (breakGuard != 0 && System.nanoTime() > breakGuard) {
                breakGuard = 0;
                writeMaybeAtomically("guard-kept.yaml", invalid("guard-kept", ++counter), random.nextBoolean());
                model.put("guard-kept.yaml", null, true);
                // backups holding newer versions, which must not run
                Files.writeString(manifests.resolve("guard-kept.yaml~"), valid("guard-kept", ++counter));
                model.put("guard-kept.yaml~", null, false);
                Files.writeString(manifests.resolve(".guard-kept.yaml.swp"), valid("guard-kept", ++counter));
                model.put(".guard-kept.yaml.swp", null, false);
            }
            Op op = step(model);
            model.done.merge(op, 1, Integer::sum);
            ops++;
            // pacing of the generator, not a wait for the agent: about 30 operations a second
            TimeUnit.MILLISECONDS.sleep(random.nextInt(50));
        }

        Map<String, Expected> expected = model.expected();
        System.out.println("[churn] " + ops + " operations " + model.done + "; at the end " + model.files.size()
                + " files, " + expected.size() + " pods, invalid " + model.invalid() + ", losing duplicates "
                + model.losers());
        Map<String, Observed> want = expected.entrySet().stream().collect(Collectors.toMap(
                e -> e.getKey() + "-" + node, e -> new Observed(e.getValue().file(),
                        List.of(e.getValue().version()), 1), (a, b) -> a, TreeMap::new)); // hostNetwork ones too
        Map<String, String> wantMirrors = expected.entrySet().stream().collect(Collectors.toMap(
                e -> e.getKey() + "-" + node, e -> String.valueOf(e.getValue().version()), (a, b) -> a,
                TreeMap::new));

        long settle = System.nanoTime();
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> assertThat(observed()).isEqualTo(want));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            if (!runtime.wedged()) {
                throw e;
            }
            // not the agent's doing, and nothing an agent can undo: what it can do is converge on the engine that
            // replaces it, as after any engine crash
            System.out.println("[churn] the test's dockerd is in Docker 20.10's libnetwork deadlock (moby/moby#46661:"
                    + " it lists containers, the inspect of some never answers); killed and started again");
            runtime.restartKilled();
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> assertThat(observed()).isEqualTo(want));
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(mirrors()).isEqualTo(wantMirrors));
        System.out.println("[churn] settled in " + Duration.ofNanos(System.nanoTime() - settle).toMillis() + " ms");
        assertMirrorsMatchContainers();

        for (String file : model.invalid()) {
            assertThat(agent.hasLog("Invalid static pod manifest", "file=" + manifests.resolve(file)))
                    .as("the log names the invalid file " + file).isTrue();
        }
        for (String file : model.losers()) {
            assertThat(agent.hasLog("Duplicate static pod name", "file=" + manifests.resolve(file)))
                    .as("the log names the losing duplicate " + file).isTrue();
        }
        assertThat(agent.alive()).isTrue();
    }

    private static boolean ownNetwork(String pod) {
        return pod.matches("p\\d+") && Integer.parseInt(pod.substring(1)) < OWN_NETWORK;
    }

    private void guard(Model m, String file, String pod) throws IOException {
        int version = ++counter;
        Files.writeString(manifests.resolve(file), valid(pod, version));
        m.put(file, new Good(pod, version), true);
    }

    /** Running containers by pod: the file label and VERSION of app containers, and the number of sandboxes. */
    private Map<String, Observed> observed() {
        Map<String, List<Seen>> byPod = runtime.running(node).stream()
                .collect(Collectors.groupingBy(c -> c.label("io.kubernetes.pod.name")));
        Map<String, Observed> out = new TreeMap<>();
        byPod.forEach((pod, cs) -> {
            List<Seen> apps = cs.stream().filter(c -> !c.sandbox()).toList();
            String file = apps.stream().map(c -> c.label("io.staticpod.agent.file")).distinct()
                    .collect(Collectors.joining(" | "));
            List<Integer> versions = apps.stream().map(c -> version(c.id())).sorted().toList();
            int sandboxes = (int) cs.stream().filter(Seen::sandbox).count();
            out.put(pod, new Observed(file, versions, sandboxes));
        });
        return out;
    }

    private int version(String id) {
        List<String> env = runtime.env(id);
        if (env == null) {
            return -2; // gone since the listing
        }
        return env.stream().filter(e -> e.startsWith("VERSION=")).map(e -> Integer.parseInt(e.substring(8)))
                .findFirst().orElse(-1);
    }

    /** Mirror pods of this node, by name, with their {@code churn-version} label. */
    private Map<String, String> mirrors() {
        return admin.pods().inNamespace("default").withField("spec.nodeName", node).list().getItems().stream()
                .collect(Collectors.toMap(p -> p.getMetadata().getName(),
                        p -> String.valueOf(p.getMetadata().getLabels().get("churn-version")), (a, b) -> a + "+" + b,
                        TreeMap::new));
    }

    /** Each mirror names the running pod: its config hash is the containers' pod UID. */
    private void assertMirrorsMatchContainers() {
        Map<String, String> uids = runtime.running(node).stream().collect(Collectors.toMap(
                c -> c.label("io.kubernetes.pod.name"), c -> c.label("io.kubernetes.pod.uid"), (a, b) -> {
                    assertThat(a).isEqualTo(b);
                    return a;
                }));
        for (Pod p : admin.pods().inNamespace("default").withField("spec.nodeName", node).list().getItems()) {
            assertThat(p.getMetadata().getAnnotations())
                    .containsEntry("kubernetes.io/config.source", "file")
                    .containsEntry("kubernetes.io/config.hash", uids.get(p.getMetadata().getName()))
                    .containsEntry("kubernetes.io/config.mirror", uids.get(p.getMetadata().getName()));
        }
    }

    // ---- the operations ----

    private Op step(Model m) throws IOException {
        List<String> all = m.manifests(f -> true).stream().filter(f -> !f.startsWith("guard-")).toList();
        int roll = random.nextInt(100);
        if (all.size() < 4) {
            return create(m, false);
        }
        if (roll < 16) {
            if (all.size() >= 24) { // keep the directory at about the size of a real one
                String victim = pick(all);
                Files.delete(manifests.resolve(victim));
                m.remove(victim);
                return Op.DELETE;
            }
            return create(m, roll >= 13);
        }
        if (roll < 36) {
            return edit(m, pick(all), false);
        }
        if (roll < 52) {
            return edit(m, pick(all), true);
        }
        if (roll < 60) {
            String from = pick(all);
            String to = freshName(podOf(m, from));
            Files.move(manifests.resolve(from), manifests.resolve(to), StandardCopyOption.ATOMIC_MOVE);
            FileState state = m.files.get(from);
            m.remove(from);
            m.put(to, state.good(), true);
            return Op.RENAME;
        }
        if (roll < 67) {
            String victim = pick(all);
            Files.delete(manifests.resolve(victim));
            m.remove(victim);
            return Op.DELETE;
        }
        if (roll < 80) {
            String of = pick(all);
            String backup = switch (random.nextInt(7)) {
                case 0 -> of + "~";
                case 1 -> "." + of + ".swp";
                case 2 -> "#" + of + "#";
                case 3 -> of + ".bak";
                case 4 -> of + ".orig";
                case 5 -> of + ".dpkg-old";
                default -> "4913";
            };
            // an older version of a pod: it must not run
            Files.writeString(manifests.resolve(backup), valid(podOf(m, of), ++counter));
            m.put(backup, null, false);
            return Op.BACKUP;
        }
        if (roll < 85) {
            List<String> leftovers = m.files.entrySet().stream().filter(e -> !e.getValue().manifest())
                    .map(Map.Entry::getKey).toList();
            if (!leftovers.isEmpty()) {
                String l = pick(leftovers);
                Files.delete(manifests.resolve(l));
                m.remove(l);
                return Op.CLEAN_LEFTOVER;
            }
            return create(m, false);
        }
        if (roll < 90) {
            String name = freshName(pod(random.nextInt(PODS)));
            Files.writeString(manifests.resolve(name), invalid(pod(random.nextInt(PODS)), ++counter));
            m.put(name, null, true);
            return Op.INVALID_NEW;
        }
        // break a file whose current good version the agent has certainly seen: that version must keep running
        long now = System.nanoTime();
        List<String> established = m.manifests(f -> f.good() != null && now - f.writtenAt() > ESTABLISHED_NANOS)
                .stream().filter(f -> !f.startsWith("guard-")).toList();
        if (established.isEmpty()) {
            return edit(m, pick(all), random.nextBoolean());
        }
        String victim = pick(established);
        writeMaybeAtomically(victim, invalid(m.files.get(victim).good().pod(), ++counter), random.nextBoolean());
        m.put(victim, null, true);
        return Op.BREAK;
    }

    /** A new file for an unused pod name, or ({@code duplicate}) for a pod that has a file already. */
    private Op create(Model m, boolean duplicate) throws IOException {
        List<String> used = m.manifests(f -> f.good() != null).stream().map(f -> m.files.get(f).good().pod())
                .filter(p -> p.startsWith("p")).distinct().toList();
        String pod;
        String name;
        if (duplicate && !used.isEmpty()) {
            pod = pick(used);
            name = (random.nextBoolean() ? "a-dup-" : "zz-dup-") + (++counter) + ".yaml"; // sorted before or after
        } else {
            List<String> free = new ArrayList<>();
            for (int i = 0; i < PODS; i++) {
                if (!used.contains(pod(i))) {
                    free.add(pod(i));
                }
            }
            pod = free.isEmpty() ? pod(random.nextInt(PODS)) : pick(free);
            name = freshName(pod);
        }
        int version = ++counter;
        Files.writeString(manifests.resolve(name), valid(pod, version));
        m.put(name, new Good(pod, version), true);
        return duplicate ? Op.DUPLICATE : Op.CREATE;
    }

    /** A new valid version of the file's pod (fixing it when invalid), written in place or atomically. */
    private Op edit(Model m, String file, boolean atomic) throws IOException {
        String pod = podOf(m, file);
        int version = ++counter;
        writeMaybeAtomically(file, valid(pod, version), atomic);
        m.put(file, new Good(pod, version), true);
        return atomic ? Op.ATOMIC_REPLACE : Op.EDIT;
    }

    /** In place (truncate and write, as most editors), or through a temporary file renamed over it. */
    private void writeMaybeAtomically(String file, String content, boolean atomic) throws IOException {
        if (!atomic) {
            Files.writeString(manifests.resolve(file), content);
            return;
        }
        String temp = switch (random.nextInt(4)) {
            case 0 -> "." + file + "." + Integer.toHexString(random.nextInt()); // hidden, as sed -i, rsync
            case 1 -> file + ".tmp";
            case 2 -> file + ".swp";
            default -> "." + file + ".tmp";
        };
        Files.writeString(manifests.resolve(temp), content);
        Files.move(manifests.resolve(temp), manifests.resolve(file), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    private String podOf(Model m, String file) {
        FileState state = m.files.get(file);
        if (state.good() != null) {
            return state.good().pod();
        }
        Good kept = m.lastGood.get(file);
        return kept != null ? kept.pod() : pod(random.nextInt(PODS));
    }

    private String freshName(String pod) {
        String[] ext = {".yaml", ".yml", ".manifest", ".yaml"};
        return pod + "-" + (++counter) + ext[random.nextInt(ext.length)];
    }

    private static String pod(int i) {
        return String.format("p%02d", i);
    }

    private <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    /** A valid manifest of {@code pod} at {@code version}; its command and labels vary too. */
    private String valid(String pod, int version) {
        String command = random.nextBoolean() ? SLEEP : "echo started; " + SLEEP;
        String extraLabel = random.nextBoolean() ? ", tier: churn" : "";
        return """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                  labels: {churn-version: "%d"%s}
                spec:
                  hostNetwork: %s
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: app
                    image: %s
                    command: [sh, -c, "%s"]
                    env: [{name: VERSION, value: "%d"}]
                """.formatted(pod, version, extraLabel, !ownNetwork(pod), ItEnvironment.BUSYBOX, command, version);
    }

    /** An invalid manifest of one of five kinds; no prefix of one is valid either (a write seen half done). */
    private String invalid(String pod, int version) {
        String v = valid(pod, version);
        return switch (random.nextInt(5)) {
            case 0 -> v.replace("labels: {churn-version: \"" + version + "\"", // YAML syntax
                    "labels: {churn-version: \"" + version + "\" broken: yes");
            case 1 -> v.replace("  hostNetwork:", "  restartPolicy: Sometimes\n  hostNetwork:");
            case 2 -> v.replaceAll("(?m)^    image: .*\\n", "");
            case 3 -> v.replace("kind: Pod", "kind: Deployment");
            default -> v.replace("  hostNetwork:", "  volumes: [{name: s, secret: {secretName: x}}]\n  hostNetwork:");
        };
    }
}
