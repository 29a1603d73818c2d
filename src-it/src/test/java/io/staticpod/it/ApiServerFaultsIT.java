package io.staticpod.it;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.staticpod.it.RuntimeObserver.Seen;
import io.staticpod.it.apiserver.ApiServerExtension;
import io.staticpod.it.apiserver.ApiServerFixture;
import io.staticpod.it.faults.FaultProxy;
import io.staticpod.it.faults.FaultProxy.Fault;
import io.staticpod.it.faults.FaultProxy.Rule;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The API server failing while pods run: answering 409/429/500, hanging, dropping connections, losing answers (a
 * {@link FaultProxy} on loopback between the agent and a real kube-apiserver), or down for over a minute. Pods start
 * and restart at full speed throughout; once the API server is well again, mirror pods, their statuses, events, the
 * Node and its Lease converge to what runs.
 */
@ExtendWith(ApiServerExtension.class)
class ApiServerFaultsIT extends DockerAgentTestBase {
    static final String TRAP = "trap 'exit 0' TERM; while true; do sleep 3600 & wait $!; done";
    private static final String PODS = "/api/v1/namespaces/[^/]+/pods";
    private static final String POD_STATUS = "/api/v1/namespaces/[^/]+/pods/[^/]+/status";
    private static final String LEASES = "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases(/.*)?";
    private static final String NODE_STATUS = "/api/v1/nodes/[^/]+/status";
    private static final String EVENTS = "/api/v1/namespaces/[^/]+/events(/.*)?";
    /**
     * How long the API server is down: past the Lease's 40 s duration and the mirror client's longest wait between
     * passes (its 60 s resync), with every retry backed off to its 10 s cap for most of it.
     */
    private static final Duration OUTAGE = Duration.ofSeconds(70);

    private final ApiServerFixture api;
    private final String ns = "ns-" + UUID.randomUUID().toString().substring(0, 8);
    private KubernetesClient admin;
    FaultProxy proxy;

    ApiServerFaultsIT(ApiServerFixture api) {
        this.api = api;
    }

    @Override
    String nodePrefix() {
        return "faults";
    }

    @AfterEach
    void closeProxy() throws InterruptedException {
        if (agent != null) {
            agent.close(); // before its proxy
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    /** The agent, its kubeconfig pointing at a fault proxy in front of the shared API server. */
    private void startThroughProxy(long seed) throws IOException {
        admin = api.adminClient();
        createNamespace();
        proxy = new FaultProxy(api.url(), api.nodeTls(node), api.servingTls(), seed);
        startAgent("--kubeconfig", api.nodeKubeconfig(node, proxy.url()).toString());
    }

    private void createNamespace() {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .create();
    }

    @Test
    void withHalfOfTheWritesFailingPodsRunAtFullSpeedAndMirrorsConvergeOnceTheFaultsStop() throws Exception {
        startThroughProxy(8);
        long baseline = startAndTime("first.yaml", "first", TRAP);
        awaitMirror("first", p -> phase(p, "Running"));

        List<Rule> rules = List.of(
                proxy.add(Rule.on("POST", PODS).probability(0.5).firstAlways().fail(Fault.internalError(),
                        Fault.tooManyRequests(1), Fault.conflict(), Fault.lostResponse(), Fault.reset())),
                proxy.add(Rule.on("PATCH", POD_STATUS).probability(0.5).firstAlways().fail(Fault.internalError(),
                        Fault.tooManyRequests(1), Fault.conflict(), Fault.reset(), Fault.lostResponse())),
                proxy.add(Rule.on("DELETE", PODS + "/[^/]+").probability(0.5).fail(Fault.internalError(),
                        Fault.lostResponse())),
                proxy.add(Rule.on("*", LEASES).probability(0.4).firstAlways().fail(Fault.internalError(),
                        Fault.conflict(), Fault.tooManyRequests(1), Fault.hang())),
                proxy.add(Rule.on("PATCH", NODE_STATUS).probability(0.4).fail(Fault.internalError(), Fault.hang())),
                proxy.add(Rule.on("*", EVENTS).probability(0.4).fail(Fault.internalError(), Fault.reset())));

        // with faults: new pods start as fast as without, a killed container is restarted at once
        long second = startAndTime("second.yaml", "second", TRAP);
        long third = startAndTime("third.yaml", "third", TRAP);
        System.out.printf("[faults] container running after: %d ms without faults, %d and %d ms with%n", baseline,
                second, third);
        assertThat(Math.max(second, third)).isLessThan(Math.max(8_000, 3 * baseline));
        Seen first = docker.running(node, "first-" + node, "web").get(0);
        docker.kill(first.id());
        await().atMost(Duration.ofSeconds(8)).until(() -> docker.running(node, "first-" + node, "web").stream()
                .anyMatch(c -> !c.id().equals(first.id())));
        write("second.yaml", "second", "echo edited; " + TRAP);
        Files.delete(manifests.resolve("third.yaml"));
        await().atMost(Duration.ofSeconds(20)).until(() -> docker.running(node, "third-" + node, "web").isEmpty()
                && docker.running(node, "second-" + node, "web").size() == 1);
        // the faults were really met: creates, status patches and lease renewals failed
        await().atMost(Duration.ofSeconds(30)).alias("faults injected").until(() ->
                rules.get(0).fired() > 0 && rules.get(1).fired() > 0 && rules.get(3).fired() > 0);
        proxy.clear();

        awaitConverged(Map.of("first", 1, "second", 0), Set.of("third"), Duration.ofSeconds(45));
        assertThat(mirror("second").getSpec().getContainers().get(0).getCommand().get(2)).startsWith("echo edited");
        System.out.println("[faults] " + rules);

        // the watch of this node's pods cut mid-stream: it comes back, so a mirror deleted through the API returns
        long cut = System.nanoTime();
        proxy.resetStreams();
        String uid = mirror("first").getMetadata().getUid();
        admin.pods().inNamespace(ns).withName("first-" + node).withGracePeriod(0).delete();
        awaitMirror("first", p -> !p.getMetadata().getUid().equals(uid) && phase(p, "Running"));
        assertThat(proxy.watches("/api/v1/pods", cut)).as("watches of this node's pods after the cut").isPositive();
    }

    @Test
    void aLostCreateAnswerIsAdoptedAndConflictsAndRetryAfterCauseNoHotLoop() throws Exception {
        startThroughProxy(9);
        write("first.yaml", "first", TRAP);
        awaitMirror("first", p -> phase(p, "Running"));

        // the API server creates the mirror but the answer is lost: the retry meets 409 AlreadyExists and adopts it
        Rule lost = proxy.add(Rule.on("POST", PODS).next(1).fail(Fault.lostResponse()));
        long t0 = System.nanoTime();
        write("second.yaml", "second", TRAP);
        Pod second = awaitMirror("second", p -> phase(p, "Running"));
        assertThat(lost.fired()).isEqualTo(1);
        String lostAnswer = lost.faults().get(0).lostResponses().get(0);
        Pod createdThen = new KubernetesSerialization().unmarshal(lostAnswer, Pod.class);
        assertThat(second.getMetadata().getUid()).as("the mirror the lost request created, kept")
                .isEqualTo(createdThen.getMetadata().getUid());
        assertThat(proxy.count("DELETE", PODS + "/.*", t0)).as("mirror deletions").isZero();
        proxy.remove(lost);

        // every create answered 409 Conflict (nothing exists): retried with back-off (1 s doubling to 10 s), not in a
        // loop: the fourth create comes 1 + 2 + 4 = 7 s after the first, where a loop would have made hundreds
        Rule conflicts = proxy.add(Rule.on("POST", PODS).fail(Fault.conflict()));
        long t1 = System.nanoTime();
        write("third.yaml", "third", TRAP);
        await().atMost(Duration.ofSeconds(10)).until(() -> docker.running(node, "third-" + node, "web").size() == 1);
        await().atMost(Duration.ofSeconds(40)).alias("four creates answered 409")
                .until(() -> proxy.count("POST", PODS, t1) >= 4);
        List<Long> creates = proxy.times("POST", PODS, t1);
        Duration firstToFourth = Duration.ofNanos(creates.get(3) - creates.get(0));
        System.out.printf("[faults] four creates answered 409 took %d ms%n", firstToFourth.toMillis());
        assertThat(firstToFourth).as("first to fourth create answered 409: " + proxy.seenSince(t1))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(6));
        proxy.remove(conflicts);
        awaitMirror("third", p -> phase(p, "Running"));

        // 429 Too Many Requests, Retry-After 5 s, to every request while containers restart and report: the client
        // waits each Retry-After out, so four requests take 15 s (a client ignoring it would make them in 7 s, with
        // its own back-off of 1, 2 and 4 s)
        Rule throttle = proxy.add(Rule.on("*", ".*").fail(Fault.tooManyRequests(5)));
        long t2 = System.nanoTime();
        for (int i = 0; i < 2; i++) {
            Seen c = docker.running(node, "first-" + node, "web").get(0);
            docker.kill(c.id());
            await().atMost(Duration.ofSeconds(15)).until(() -> docker.running(node, "first-" + node, "web").stream()
                    .anyMatch(x -> !x.id().equals(c.id())));
        }
        await().atMost(Duration.ofSeconds(40)).alias("four requests answered 429").until(() -> throttle.fired() >= 4);
        List<Long> throttled = proxy.times("*", ".*", t2);
        Duration firstToFourthThrottled = Duration.ofNanos(throttled.get(3) - throttled.get(0));
        System.out.printf("[faults] four requests answered 429 Retry-After 5 took %d ms%n",
                firstToFourthThrottled.toMillis());
        assertThat(firstToFourthThrottled).as("first to fourth request answered 429: " + proxy.seenSince(t2))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(14));
        proxy.clear();

        awaitConverged(Map.of("first", 2, "second", 0, "third", 0), Set.of(), Duration.ofSeconds(30));
    }

    @Test
    void anApiServerDownForOverAMinuteWhilePodsChangeLosesNothingAndPodsNeverWaitForIt() throws Exception {
        // a private API server: stopping the shared one would disturb other tests
        try (ApiServerFixture own = ApiServerFixture.start()) {
            admin = own.adminClient();
            createNamespace();
            startAgent("--kubeconfig", own.nodeKubeconfig(node).toString());
            write("kept.yaml", "kept", TRAP);
            write("removed.yaml", "removed", TRAP);
            write("crashing.yaml", "crashing", "sleep 2; exit 3");
            awaitMirror("kept", p -> phase(p, "Running"));
            awaitMirror("removed", p -> phase(p, "Running"));
            awaitMirror("crashing", Objects::nonNull);

            own.stopApiServer();
            Instant down = Instant.now();
            // while it is down: a new pod starts, one is edited, one removed, one comes and goes, containers crash
            long fresh = startAndTime("fresh.yaml", "fresh", TRAP);
            assertThat(fresh).as("ms until a new pod's container runs, API server down").isLessThan(8_000);
            write("kept.yaml", "kept", "echo edited; " + TRAP);
            Files.delete(manifests.resolve("removed.yaml"));
            write("brief.yaml", "brief", TRAP);
            await().atMost(Duration.ofSeconds(15)).until(() -> docker.running(node, "brief-" + node, "web").size() == 1
                    && docker.running(node, "removed-" + node, "web").isEmpty());
            Files.delete(manifests.resolve("brief.yaml"));
            for (int i = 0; i < 2; i++) {
                Seen c = docker.running(node, "fresh-" + node, "web").get(0);
                docker.kill(c.id());
                await().atMost(Duration.ofSeconds(20)).until(() -> docker.running(node, "fresh-" + node, "web")
                        .stream().anyMatch(x -> !x.id().equals(c.id())));
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> docker.running(node, "brief-" + node, "web").isEmpty());
            Duration rest = OUTAGE.minus(Duration.between(down, Instant.now()));
            await().during(rest).atMost(rest.plusSeconds(5)).until(() ->
                    docker.running(node, "kept-" + node, "web").size() == 1
                            && docker.running(node, "fresh-" + node, "web").size() == 1);
            own.startApiServer();
            Instant up = Instant.now();

            awaitConverged(Map.of("kept", 0, "fresh", 2, "crashing", -1), Set.of("removed", "brief"), Duration.ofSeconds(60));
            assertThat(mirror("kept").getSpec().getContainers().get(0).getCommand().get(2)).startsWith("echo edited");
            Pod crashing = mirror("crashing");
            assertThat(crashing.getStatus().getContainerStatuses().get(0).getRestartCount()).isPositive();
            // the events of the outage arrive, repeats counted up: fresh started three times
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(admin.v1().events().inNamespace(ns)
                    .list().getItems()).anySatisfy(e -> {
                        assertThat(e.getInvolvedObject().getName()).isEqualTo("fresh-" + node);
                        assertThat(e.getReason()).isEqualTo("Started");
                        assertThat(e.getCount()).isEqualTo(3);
                    }));
            Lease lease = admin.leases().inNamespace("kube-node-lease").withName(node).get();
            assertThat(lease.getSpec().getRenewTime().toInstant()).as("renewed after the outage began")
                    .isAfter(down);
            System.out.printf("[faults] converged %d ms after the API server was back%n",
                    Duration.between(up, Instant.now()).toMillis());
        }
    }

    /** Writes a manifest and returns the ms until its container runs. */
    private long startAndTime(String file, String name, String script) throws IOException {
        long t0 = System.nanoTime();
        write(file, name, script);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> docker.running(node, name + "-" + node, "web").size() == 1);
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /**
     * Waits until the API server shows exactly the wanted mirrors of this node (Running, ready, with the given restart
     * counts, the hash of what runs; a count of -1: present only), none of the removed ones, the Node Ready and its Lease renewed.
     */
    private void awaitConverged(Map<String, Integer> restarts, Set<String> removed, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(500)).alias("mirrors, statuses, Node and Lease")
                .untilAsserted(() -> {
                    Map<String, Pod> mirrors = admin.pods().inNamespace(ns).list().getItems().stream()
                            .filter(p -> node.equals(p.getSpec().getNodeName()))
                            .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p));
                    assertThat(mirrors.keySet()).containsExactlyInAnyOrderElementsOf(restarts.keySet().stream()
                            .map(n -> n + "-" + node).toList());
                    removed.forEach(r -> assertThat(mirrors).doesNotContainKey(r + "-" + node));
                    restarts.forEach((name, count) -> {
                        Pod p = mirrors.get(name + "-" + node);
                        assertThat(p.getMetadata().getDeletionTimestamp()).isNull();
                        if (count < 0) {
                            return; // crash-looping: there, whatever its state
                        }
                        assertThat(p.getStatus().getPhase()).as(name).isEqualTo("Running");
                        assertThat(p.getStatus().getContainerStatuses()).as(name).singleElement().satisfies(s -> {
                            assertThat(s.getReady()).isTrue();
                            assertThat(s.getRestartCount()).isEqualTo(count);
                        });
                        String running = docker.running(node, name + "-" + node, "web").get(0)
                                .label("io.kubernetes.pod.uid");
                        assertThat(p.getMetadata().getAnnotations()).containsEntry("kubernetes.io/config.mirror",
                                running);
                    });
                    Node n = admin.nodes().withName(node).get();
                    assertThat(n.getStatus().getConditions()).anySatisfy(c -> {
                        assertThat(c.getType()).isEqualTo("Ready");
                        assertThat(c.getStatus()).isEqualTo("True");
                    });
                    Lease lease = admin.leases().inNamespace("kube-node-lease").withName(node).get();
                    ZonedDateTime renewed = lease.getSpec().getRenewTime();
                    assertThat(renewed.toInstant()).isAfter(Instant.now().minusSeconds(15));
                });
    }

    private Pod mirror(String name) {
        return admin.pods().inNamespace(ns).withName(name + "-" + node).get();
    }

    private Pod awaitMirror(String name, java.util.function.Predicate<Pod> ok) {
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Pod p = mirror(name);
            return p != null && p.getMetadata().getDeletionTimestamp() == null && ok.test(p);
        });
        return mirror(name);
    }

    private static boolean phase(Pod p, String phase) {
        return p.getStatus() != null && phase.equals(p.getStatus().getPhase());
    }

    private void write(String file, String name, String script) throws IOException {
        String yaml = """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s, namespace: %s}
                spec:
                  hostNetwork: true
                  terminationGracePeriodSeconds: 2
                  containers:
                  - name: web
                    image: %s
                    command: ["sh", "-c", "%s"]
                """.formatted(name, ns, ItEnvironment.BUSYBOX, script);
        Path t = manifests.resolve("." + file + ".tmp");
        Files.writeString(t, yaml, StandardCharsets.UTF_8);
        Files.move(t, manifests.resolve(file), StandardCopyOption.ATOMIC_MOVE);
    }
}
