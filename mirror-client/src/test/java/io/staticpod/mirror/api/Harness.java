package io.staticpod.mirror.api;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.staticpod.manifest.StaticPod;
import io.staticpod.mirror.NodeReadiness;
import io.staticpod.mirror.PodStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static io.staticpod.mirror.api.TestPods.NODE;
import static org.awaitility.Awaitility.await;

/**
 * The mirror client's tests' shared set-up: fabric8's mock API server, the test's own client to look with (as
 * kubectl), a wall clock and a ticker the test moves, every request the client makes, and the client under test,
 * either on its own worker thread ({@link #threaded()}, for behaviour awaited as a user would) or with passes the
 * test runs while stepping the ticker ({@link #manual()}, for timing).
 */
final class Harness implements AutoCloseable {
    /**
     * How long a test waits for what the client's worker thread does: an upper bound only (a condition met sooner ends
     * the wait at once), generous because the suite runs beside containers and builds that slow the mock server.
     */
    static final Duration WAIT = Duration.ofSeconds(30);

    /** Short periods, so that threaded tests see renewals and retries within a second or two. */
    static final Timing FAST = new Timing(Duration.ofMillis(200), Duration.ofMillis(200), Duration.ofSeconds(1),
            Duration.ofMillis(50), Duration.ofMillis(400));
    static final NodeFacts FACTS = new NodeFacts(NODE, Map.of("example.com/role", "edge",
            "node-restriction.kubernetes.io/zone", "a"), "10.1.2.3", 4, 24 * 1024 * 1024, "5.10.0-21-amd64",
            "Debian GNU/Linux 12 (bookworm)", "amd64", "docker://20.10.24", NodeFacts.KUBELET_VERSION);

    final MutableClock wall = new MutableClock(Instant.parse("2024-05-01T10:00:00.123456789Z"));
    /** The container runtime's health the client reads for the Node's Ready condition: ready until a test says not. */
    final AtomicReference<NodeReadiness.Runtime> runtime = new AtomicReference<>(new NodeReadiness.Runtime(true, ""));
    final FakeTicker ticker = new FakeTicker();
    final RecordedRequests requests = new RecordedRequests();
    MockApi api;
    KubernetesClient kubectl;
    ApiServerMirrorClient client;
    KubernetesClient fabric8; // the client's own
    ManualWorker worker;
    private boolean down;

    private Harness(MockApi api, boolean down) {
        this.api = api;
        this.kubectl = api.kubectl();
        this.down = down;
    }

    /** With the API server up. */
    static Harness up() {
        return new Harness(MockApi.started(), false);
    }

    /** With nothing listening where the API server will be; {@link #startApiServer()} brings it. */
    static Harness down() {
        return new Harness(MockApi.down(), true);
    }

    void startApiServer() {
        api.start();
        down = false;
    }

    void startApiServerIfDown() {
        if (down) {
            startApiServer();
        }
    }

    /** The client, started, on its own worker thread and the system's ticker. */
    ApiServerMirrorClient threaded() {
        fabric8 = api.newClient(requests);
        client = new ApiServerMirrorClient(fabric8, FACTS, wall, Ticker.SYSTEM, FAST,
                Worker.thread("mirror-client-test"), runtime::get);
        client.start();
        return client;
    }

    /** The client, started, its passes run by the test ({@link #worker}) on the {@link #ticker}. */
    ApiServerMirrorClient manual() {
        worker = new ManualWorker(ticker);
        fabric8 = api.newClient(requests);
        client = new ApiServerMirrorClient(fabric8, FACTS, wall, ticker, FAST, worker, runtime::get);
        client.start();
        return client;
    }

    /** Stops the client under test (its worker, its watch, its HTTP client). */
    void closeClient() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    @Override
    public void close() {
        closeClient();
        api.close();
    }

    // --- looking as kubectl does

    Pod mirrorOf(StaticPod sp) {
        return kubectl.pods().inNamespace(sp.key().namespace()).withName(sp.key().name()).get();
    }

    Pod awaitMirror(StaticPod sp) {
        AtomicReference<Pod> found = new AtomicReference<>();
        await().atMost(WAIT).until(() -> {
            found.set(mirrorOf(sp));
            return found.get() != null;
        });
        return found.get();
    }

    Node node() {
        return kubectl.nodes().withName(NODE).get();
    }

    NodeCondition readyCondition() {
        Node n = node();
        if (n == null || n.getStatus() == null || n.getStatus().getConditions() == null) {
            return null;
        }
        return n.getStatus().getConditions().stream().filter(c -> c.getType().equals("Ready")).findFirst()
                .orElse(null);
    }

    String readyStatus() {
        NodeCondition c = readyCondition();
        return c == null ? null : c.getStatus();
    }

    Lease lease() {
        return kubectl.leases().inNamespace("kube-node-lease").withName(NODE).get();
    }

    List<Event> eventsOf(Pod mirrorPod) {
        return kubectl.v1().events().inNamespace(mirrorPod.getMetadata().getNamespace()).list().getItems().stream()
                .filter(e -> mirrorPod.getMetadata().getUid().equals(e.getInvolvedObject().getUid())).toList();
    }

    // --- statuses

    static PodStatus.ContainerStatus running(String name, boolean ready, int restarts) {
        return new PodStatus.ContainerStatus(name, "busybox:1.36", "docker-pullable://busybox@sha256:abc",
                "docker://0123456789ab", new PodStatus.Running(Instant.parse("2024-05-01T10:00:05Z")), null, ready,
                true, restarts);
    }

    static PodStatus runningStatus(StaticPod sp, boolean ready, int restarts) {
        return new PodStatus(sp.uid(), PodStatus.Phase.Running, Instant.parse("2024-05-01T10:00:01Z"), null,
                List.of(), List.of(running("app", ready, restarts)), null);
    }

    static PodStatus terminated(StaticPod sp, PodStatus.Phase phase, int exit, String reason) {
        return new PodStatus(sp.uid(), phase, Instant.parse("2024-05-01T10:00:01Z"), null, List.of(),
                List.of(new PodStatus.ContainerStatus("app", "busybox:1.36", "", "docker://0123456789ad",
                        new PodStatus.Terminated(exit, reason, null, Instant.parse("2024-05-01T10:00:02Z"),
                                Instant.parse("2024-05-01T10:00:03Z"), "docker://0123456789ad"), null, false,
                        false, 0)), null);
    }
}
