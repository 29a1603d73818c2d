package io.staticpod.it.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.staticpod.it.Cmd;
import io.staticpod.it.apiserver.ApiServerFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The flagship test: a kubeadm v1.20.2 control plane run by the agent. kubeadm (built from Debian's kubernetes
 * source package, like the images; see {@code scripts/control-plane-images}) writes certificates, kubeconfigs and
 * the four static pod manifests ({@code etcd}, {@code kube-apiserver}, {@code kube-controller-manager},
 * {@code kube-scheduler}) into a temporary root ({@code kubeadm --rootfs}, so nothing is written to the host's
 * {@code /etc/kubernetes}); the test points the manifests' hostPaths at that root and every address at 127.0.0.1,
 * then starts the agent on them with kubeadm's {@code kubelet.conf}. Passes when the four pods are Running and Ready
 * through their own probes, their mirrors are Running 1/1 in {@code kubectl get po -n kube-system} with the Node as
 * controller owner, and a SIGKILL of the kube-apiserver's process brings it back with RESTARTS 1.
 *
 * <p>Runs on each container runtime the agent supports: a subclass says how the agent is pointed at its runtime,
 * which images must be there, and how containers are found, killed and removed ({@link ControlPlaneDockerIT},
 * {@link ControlPlaneContainerdIT}). All four control plane pods use hostNetwork, so a runtime without CNI does.
 *
 * <p>Uses the host's default control plane ports (6443, 2379, 2380, 2381, 10257, 10259) and fails at once, naming
 * the port, when one is taken.
 */
abstract class ControlPlaneTests {
    static final String OWNER = "io.staticpod.agent.node";
    static final String K8S_VERSION = "v1.20.2";
    static final String ETCD_TAG = "3.4.13-0";
    static final List<String> IMAGES = List.of(
            "k8s.gcr.io/kube-apiserver:" + K8S_VERSION,
            "k8s.gcr.io/kube-controller-manager:" + K8S_VERSION,
            "k8s.gcr.io/kube-scheduler:" + K8S_VERSION,
            "k8s.gcr.io/etcd:" + ETCD_TAG);
    static final List<String> COMPONENTS = List.of("etcd", "kube-apiserver", "kube-controller-manager",
            "kube-scheduler");
    static final Map<Integer, String> PORTS = new LinkedHashMap<>();
    static {
        PORTS.put(6443, "kube-apiserver");
        PORTS.put(2379, "etcd client");
        PORTS.put(2380, "etcd peer");
        PORTS.put(2381, "etcd metrics (its probes)");
        PORTS.put(10257, "kube-controller-manager");
        PORTS.put(10259, "kube-scheduler");
    }
    static final String HINT = "run scripts/control-plane-images (as root), which builds kubeadm, "
            + "kube-controller-manager and kube-scheduler v1.20.2 from Debian's kubernetes source package next to "
            + "kube-apiserver and etcd, and the k8s.gcr.io images kubeadm's manifests name";
    static final Path AGENT_JAR = Path.of(System.getProperty("agent.jar", "../agent/target/static-pod-agent.jar"));
    static final Duration ALL_READY_TIMEOUT = Duration.ofMinutes(4);
    static final ObjectMapper JSON = new ObjectMapper();

    // --- what differs between runtimes ----------------------------------------------------------------------

    /** The runtime's name, in messages and file names: docker, containerd. */
    abstract String runtime();

    /** The agent's flags that point it at this runtime (none for Docker, the default). */
    abstract List<String> runtimeArgs();

    /**
     * What this runtime lacks for the test, each a phrase ("the image X in ..."): the runtime itself when it does not
     * answer, and any of {@code images} not present in it. Empty when all is there.
     */
    abstract List<String> missingOnRuntime(List<String> images);

    /** How to provide what {@link #missingOnRuntime} reports: the script (and function) that does it. */
    abstract String runtimeHint();

    /** Ids of the running containers named {@code component} in the pod {@code component-node}, by their labels. */
    abstract List<String> runningContainers(String node, String component);

    /** SIGKILL to the container's process, as {@code docker kill} does. */
    abstract void kill(String id);

    /** Removes every container, running or not, that the agent for {@code node} left. */
    abstract void removeAll(String node);

    /** For diagnostics: {@code node}'s containers with their state, and the last output of each component. */
    abstract String containers(String node, List<String> components);

    // --- the test ------------------------------------------------------------------------------------------

    private final String node = "cp-" + UUID.randomUUID().toString().substring(0, 8);
    private Path dir;
    private Path rootfs;
    private Path manifests;
    private ControlPlaneAgent agent;
    private KubernetesClient admin;

    @BeforeEach
    void setUp() throws IOException {
        requireBinariesAndImages();
        requireFreePorts();
        dir = Files.createTempDirectory("spa-control-plane-");
        rootfs = Files.createDirectories(dir.resolve("kubeadm-root"));
        manifests = Files.createDirectories(dir.resolve("manifests"));
        System.out.println("[control-plane] " + runtime() + ", node " + node + ", state in " + dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (agent != null) {
            agent.close(); // first, or it restarts what is removed below
        }
        if (dir != null) { // past the requirements: the runtime answered
            try {
                removeAll(node);
            } catch (RuntimeException e) {
                System.out.println("[control-plane] cannot remove the containers of " + node + " from " + runtime()
                        + ": " + e.getMessage());
            }
            deleteTree(dir);
        }
    }

    @Test
    void kubeadmsControlPlaneRunsAsStaticPodsWithMirrorsAndRecoversFromAKilledApiServer() throws Exception {
        String hostIp = hostIpv4();
        Path kubeadm = ApiServerFixture.assets().resolve("kubeadm");
        Path etc = rootfs.resolve("etc/kubernetes");

        // 1. kubeadm: certificates, kubeconfigs and the four manifests, chrooted into the temporary root
        Files.writeString(rootfs.resolve("kubeadm.yaml"), kubeadmConfig(hostIp), StandardCharsets.UTF_8);
        for (String phase : List.of("certs all", "kubeconfig all", "control-plane all", "etcd local")) {
            List<String> cmd = new ArrayList<>(List.of(kubeadm.toString(), "--rootfs", rootfs.toString(), "init",
                    "phase"));
            cmd.addAll(List.of(phase.split(" ")));
            cmd.addAll(List.of("--config", "/kubeadm.yaml", "--v=1"));
            String out = Cmd.run(Duration.ofMinutes(2), cmd).orFail();
            System.out.println("[control-plane] kubeadm init phase " + phase + ":\n" + out.strip());
        }
        Path generated = etc.resolve("manifests");
        for (String c : COMPONENTS) {
            assertThat(generated.resolve(c + ".yaml")).as("kubeadm wrote %s.yaml", c).isRegularFile();
        }
        for (String conf : List.of("admin.conf", "kubelet.conf", "controller-manager.conf", "scheduler.conf")) {
            Path f = etc.resolve(conf);
            assertThat(f).as("kubeadm wrote %s", conf).isRegularFile();
            Files.writeString(f, toLoopback(Files.readString(f), hostIp), StandardCharsets.UTF_8);
        }

        // 2. the manifests on loopback, their hostPaths in the temporary root, into the agent's directory
        for (String c : COMPONENTS) {
            String yaml = Files.readString(generated.resolve(c + ".yaml"));
            assertThat(yaml).as("%s.yaml names its image", c).contains("image: " + IMAGES.get(imageIndex(c)));
            String rewritten = rewriteHostPaths(toLoopback(yaml, hostIp));
            assertThat(rewritten).doesNotContain(hostIp);
            Files.writeString(dir.resolve(c + ".yaml.generated"), yaml, StandardCharsets.UTF_8);
            System.out.println("[control-plane] " + c + ".yaml as run:\n" + rewritten);
            Path tmp = manifests.resolve("." + c + ".yaml.tmp");
            Files.writeString(tmp, rewritten, StandardCharsets.UTF_8);
            Files.move(tmp, manifests.resolve(c + ".yaml"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        Path kubeletConf = etc.resolve("kubelet.conf");
        Path adminConf = etc.resolve("admin.conf");
        admin = ApiServerFixture.client(adminConf);

        // 3. the agent, as the kubelet of this node
        // its own local endpoint on a free port (10248 may be another agent's), to see readiness as the agent does
        int healthz = freePort();
        long t0 = System.nanoTime();
        List<String> flags = new ArrayList<>(runtimeArgs());
        flags.addAll(List.of("--kubeconfig", kubeletConf.toString(),
                "--healthz-bind-address", "127.0.0.1", "--healthz-port", Integer.toString(healthz)));
        agent = ControlPlaneAgent.start(AGENT_JAR, manifests, node, Files.createDirectories(dir.resolve("agent-root")),
                dir.resolve("agent.log"), flags.toArray(String[]::new));

        // 4. all four Ready: in the agent (containers running, probes passed), and in their mirrors
        // the agent's view on a thread of its own, every 100 ms (the mirror GETs below wait while the API server is down)
        Map<String, Long> agentReadyAt = new java.util.concurrent.ConcurrentHashMap<>();
        Map<String, Long> readyAt = new LinkedHashMap<>();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        java.util.concurrent.ScheduledExecutorService agentView =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        agentView.scheduleWithFixedDelay(() -> {
            try {
                for (String c : agentReady(http, healthz)) {
                    if (agentReadyAt.putIfAbsent(c, System.nanoTime() - t0) == null) {
                        System.out.printf("[control-plane] %s Ready in the agent %.1f s after it started%n",
                                c, (System.nanoTime() - t0) / 1e9);
                    }
                }
            } catch (Exception e) {
                // the agent's endpoint is not up yet: next time
            }
        }, 0, 100, java.util.concurrent.TimeUnit.MILLISECONDS);
        try {
            await().atMost(ALL_READY_TIMEOUT).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .alias("the four control plane pods Ready in the agent and in their mirrors")
                    .until(() -> {
                        if (!agent.alive()) {
                            throw new AssertionError("the agent exited");
                        }
                        for (String c : COMPONENTS) {
                            if (!readyAt.containsKey(c) && ready(mirror(c))) {
                                readyAt.put(c, System.nanoTime() - t0);
                                System.out.printf("[control-plane] %s Ready in its mirror %.1f s after the agent started%n",
                                        c, (System.nanoTime() - t0) / 1e9);
                            }
                        }
                        return readyAt.size() == COMPONENTS.size() && agentReadyAt.size() == COMPONENTS.size();
                    });
        } catch (Throwable e) {
            throw new AssertionError("not all four control plane pods became Ready within " + ALL_READY_TIMEOUT
                    + " (Ready in the agent: " + agentReadyAt.keySet() + ", in mirrors: " + readyAt.keySet() + ")\n"
                    + diagnostics(), e);
        } finally {
            agentView.shutdownNow();
        }
        String timing = String.format(runtime() + ": agent start -> all four control plane pods Ready: %.1f s in the agent (%s); "
                        + "%.1f s in their mirrors (%s)",
                Collections.max(agentReadyAt.values()) / 1e9, describe(agentReadyAt),
                Collections.max(readyAt.values()) / 1e9, describe(readyAt));
        System.out.println("[control-plane] " + timing);
        Files.writeString(Files.createDirectories(Path.of("target")).resolve("control-plane-ready-" + runtime() + ".txt"), timing + "\n",
                StandardCharsets.UTF_8);

        // 5. what really runs: one running container per component, found by the agent's labels
        for (String c : COMPONENTS) {
            assertThat(runningContainers(node, c)).as("running %s containers of node %s", c, node).hasSize(1);
        }

        // the endpoints the manifests' probes ask answer as the probes expect, on loopback
        Map<String, String> probeUrls = new LinkedHashMap<>();
        probeUrls.put("etcd", "http://127.0.0.1:2381/health");
        probeUrls.put("kube-apiserver", "https://127.0.0.1:6443/readyz");
        probeUrls.put("kube-controller-manager", "https://127.0.0.1:10257/healthz");
        probeUrls.put("kube-scheduler", "https://127.0.0.1:10259/healthz");
        HttpClient insecure = insecureHttp();
        for (var e : probeUrls.entrySet()) {
            HttpResponse<String> r = insecure.send(HttpRequest.newBuilder(URI.create(e.getValue()))
                    .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("%s: GET %s -> %s", e.getKey(), e.getValue(), r.body()).isEqualTo(200);
        }

        // 6. the mirrors: Running, Ready, one controller reference to the Node, and kubectl's view of them
        Node n = admin.nodes().withName(node).get();
        assertThat(n).as("Node %s", node).isNotNull();
        for (String c : COMPONENTS) {
            Pod m = mirror(c);
            assertThat(m.getStatus().getPhase()).as("%s phase", c).isEqualTo("Running");
            assertThat(m.getSpec().getNodeName()).isEqualTo(node);
            assertThat(m.getSpec().getHostNetwork()).isTrue();
            assertThat(m.getMetadata().getAnnotations().get("kubernetes.io/config.mirror"))
                    .isEqualTo(m.getMetadata().getAnnotations().get("kubernetes.io/config.hash")).isNotBlank();
            assertThat(m.getMetadata().getOwnerReferences()).as("%s owners", c).singleElement()
                    .satisfies((OwnerReference ref) -> {
                        assertThat(ref.getApiVersion()).isEqualTo("v1");
                        assertThat(ref.getKind()).isEqualTo("Node");
                        assertThat(ref.getName()).isEqualTo(node);
                        assertThat(ref.getUid()).isEqualTo(n.getMetadata().getUid());
                        assertThat(ref.getController()).isTrue();
                    });
            assertThat(m.getStatus().getContainerStatuses()).singleElement().satisfies(s -> {
                assertThat(s.getName()).isEqualTo(c);
                assertThat(s.getReady()).isTrue();
                assertThat(s.getState().getRunning()).isNotNull();
                assertThat(s.getRestartCount()).isZero();
            });
        }
        String pods = kubectl(adminConf, "get", "po", "-n", "kube-system", "-o", "wide");
        System.out.println("[control-plane] kubectl get po -n kube-system -o wide:\n" + pods);
        for (String c : COMPONENTS) {
            assertThat(pods).containsPattern("(?m)^" + Pattern.quote(c + "-" + node) + "\\s+1/1\\s+Running\\s+0\\s");
        }
        String owners = kubectl(adminConf, "get", "po", "-n", "kube-system", "-o",
                "custom-columns=NAME:.metadata.name,OWNER:.metadata.ownerReferences[*].kind,"
                        + "OWNERNAME:.metadata.ownerReferences[*].name,CONTROLLER:.metadata.ownerReferences[*].controller");
        System.out.println("[control-plane] owners:\n" + owners);
        for (String c : COMPONENTS) {
            assertThat(owners).containsPattern("(?m)^" + Pattern.quote(c + "-" + node) + "\\s+Node\\s+"
                    + Pattern.quote(node) + "\\s+true\\s*$");
        }
        // the control plane works: the controller manager and the scheduler hold their leases on this API server
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .alias("leader leases of kube-controller-manager and kube-scheduler").until(() ->
                        kubectl(adminConf, "get", "leases", "-n", "kube-system", "kube-controller-manager",
                                "kube-scheduler", "-o", "name").lines().count() == 2);

        // 7. SIGKILL to the kube-apiserver (docker kill, ctr tasks kill): the agent restarts it, RESTARTS 1
        List<String> before = runningContainers(node, "kube-apiserver");
        long k0 = System.nanoTime();
        kill(before.get(0));
        try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .alias("kube-apiserver restarted, its mirror Ready with restartCount 1").until(() -> {
                        List<String> now = runningContainers(node, "kube-apiserver");
                        if (now.size() != 1 || now.get(0).equals(before.get(0))) {
                            return false;
                        }
                        Pod m = mirror("kube-apiserver");
                        ContainerStatus s = m.getStatus().getContainerStatuses().get(0);
                        return s.getRestartCount() == 1 && Boolean.TRUE.equals(s.getReady());
                    });
        } catch (Throwable e) {
            throw new AssertionError("the killed kube-apiserver did not come back Ready with RESTARTS 1\n"
                    + diagnostics(), e);
        }
        System.out.printf("[control-plane] kube-apiserver killed -> back and Ready in its mirror: %.1f s%n",
                (System.nanoTime() - k0) / 1e9);
        Pod m = mirror("kube-apiserver");
        assertThat(m.getStatus().getContainerStatuses().get(0).getLastState().getTerminated())
                .as("kube-apiserver lastState.terminated").isNotNull()
                .satisfies(t -> assertThat(t.getExitCode()).isEqualTo(137));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .alias("kubectl shows kube-apiserver 1/1 Running with RESTARTS 1").until(() ->
                        Pattern.compile("(?m)^" + Pattern.quote("kube-apiserver-" + node) + "\\s+1/1\\s+Running\\s+1\\s")
                                .matcher(kubectl(adminConf, "get", "po", "-n", "kube-system")).find());
        // the controller manager and the scheduler may lose their leases while the API server is down and exit
        // (then the agent restarts them too): wait until all four are 1/1 Running again
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .alias("all four 1/1 Running after the kill").until(() -> {
                    String now = kubectl(adminConf, "get", "po", "-n", "kube-system");
                    return COMPONENTS.stream().allMatch(c -> Pattern.compile("(?m)^" + Pattern.quote(c + "-" + node)
                            + "\\s+1/1\\s+Running\\s").matcher(now).find());
                });
        String after = kubectl(adminConf, "get", "po", "-n", "kube-system");
        System.out.println("[control-plane] after the kill, kubectl get po -n kube-system:\n" + after);
        System.out.println("[control-plane] " + timing);
    }

    // --- kubeadm input and its rewriting -------------------------------------------------------------------

    private String kubeadmConfig(String hostIp) {
        return """
                apiVersion: kubeadm.k8s.io/v1beta2
                kind: InitConfiguration
                localAPIEndpoint:
                  advertiseAddress: %s
                  bindPort: 6443
                nodeRegistration:
                  name: %s
                  criSocket: /var/run/dockershim.sock
                  taints: []
                ---
                apiVersion: kubeadm.k8s.io/v1beta2
                kind: ClusterConfiguration
                kubernetesVersion: %s
                clusterName: spa-control-plane-it
                certificatesDir: /etc/kubernetes/pki
                imageRepository: k8s.gcr.io
                apiServer:
                  certSANs: ["127.0.0.1", "localhost"]
                etcd:
                  local:
                    dataDir: /var/lib/etcd
                """.formatted(hostIp, node, K8S_VERSION);
    }

    /** Every occurrence of the host's address becomes 127.0.0.1; a flag's list that then repeats a value keeps one. */
    static String toLoopback(String text, String hostIp) {
        String s = text.replaceAll("(?<![0-9.])" + Pattern.quote(hostIp) + "(?![0-9])", "127.0.0.1");
        Matcher m = Pattern.compile("(?m)^(\\s*- --[a-z0-9-]+=)(\\S*,\\S*)$").matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String deduped = String.join(",", new LinkedHashSet<>(List.of(m.group(2).split(","))));
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + deduped));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * A hostPath {@code path:} under /etc/kubernetes or /var/lib/etcd (what kubeadm wrote, now in the temporary
     * root), or one the host does not have (kubeadm's DirectoryOrCreate flexvolume dir), moves into the temporary
     * root; the mount paths inside the containers stay as kubeadm wrote them.
     */
    String rewriteHostPaths(String yaml) {
        Matcher m = Pattern.compile("(?m)^(\\s+path: )(/\\S*)$").matcher(yaml);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String path = m.group(2);
            boolean ours = path.equals("/etc/kubernetes") || path.startsWith("/etc/kubernetes/")
                    || path.equals("/var/lib/etcd") || path.startsWith("/var/lib/etcd/");
            boolean hostPathLike = path.chars().filter(ch -> ch == '/').count() >= 2 || ours;
            String replacement = path;
            // httpGet paths (/livez, /healthz, /health, /readyz) are one segment and not host paths
            if (ours || (hostPathLike && !Files.exists(Path.of(path)))) {
                replacement = rootfs.toString() + path;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static int imageIndex(String component) {
        return switch (component) {
            case "kube-apiserver" -> 0;
            case "kube-controller-manager" -> 1;
            case "kube-scheduler" -> 2;
            default -> 3;
        };
    }

    /** The first up, non-loopback IPv4 address (not a Docker bridge when another exists): kubeadm's advertise address. */
    static String hostIpv4() throws IOException {
        List<String> preferred = new ArrayList<>();
        List<String> bridges = new ArrayList<>();
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!ni.isUp() || ni.isLoopback()) {
                continue;
            }
            boolean bridge = ni.getName().startsWith("docker") || ni.getName().startsWith("br-")
                    || ni.getName().startsWith("veth");
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    (bridge ? bridges : preferred).add(a.getHostAddress());
                }
            }
        }
        if (!preferred.isEmpty()) {
            return preferred.get(0);
        }
        if (!bridges.isEmpty()) {
            return bridges.get(0);
        }
        throw new AssertionError("no non-loopback IPv4 address on this host: kubeadm needs one to generate with");
    }

    // --- what the test needs from the machine ---------------------------------------------------------------

    private void requireBinariesAndImages() {
        List<String> missing = new ArrayList<>();
        if (!Files.isRegularFile(AGENT_JAR)) {
            missing.add("the agent jar " + AGENT_JAR.toAbsolutePath());
        }
        Path assets = ApiServerFixture.assets();
        if (!Files.isExecutable(assets.resolve("kubeadm"))) {
            missing.add(assets.resolve("kubeadm").toString());
        }
        List<String> images = new ArrayList<>(IMAGES);
        images.add(ControlPlaneAgent.PAUSE);
        List<String> onRuntime = missingOnRuntime(images);
        if (missing.isEmpty() && onRuntime.isEmpty()) {
            return;
        }
        List<String> parts = new ArrayList<>();
        if (!missing.isEmpty()) {
            parts.add("missing " + String.join(", ", missing) + ": " + HINT
                    + " (the agent jar: mvn -pl agent -am package)");
        }
        if (!onRuntime.isEmpty()) {
            parts.add("missing on " + runtime() + " " + String.join(", ", onRuntime) + ": " + runtimeHint());
        }
        String message = String.join("; ", parts);
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("CI=true and " + message);
        }
        Assumptions.abort(message);
    }

    /** Fails, naming the port and who listens there, when a control plane port cannot be bound on every address. */
    private static void requireFreePorts() {
        List<String> busy = new ArrayList<>();
        for (var e : PORTS.entrySet()) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(e.getKey()));
            } catch (IOException ex) {
                busy.add(e.getKey() + " (" + e.getValue() + "): " + ex.getMessage());
            }
        }
        if (!busy.isEmpty()) {
            String who = Cmd.run("ss", "-ltnp").output();
            throw new AssertionError("the control plane test needs these ports free on this host, but they are in use: "
                    + String.join("; ", busy) + "\nlisteners (ss -ltnp):\n" + who);
        }
    }

    // --- observation -------------------------------------------------------------------------------------------

    private Pod mirror(String component) {
        return admin.pods().inNamespace("kube-system").withName(component + "-" + node).get();
    }

    /** The components whose pod the agent's {@code /pods} shows Running with every container ready. */
    private List<String> agentReady(HttpClient http, int port) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/pods"))
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        List<String> ready = new ArrayList<>();
        if (r.statusCode() != 200) {
            return ready;
        }
        JsonNode pods = JSON.readTree(r.body()).path("pods");
        for (JsonNode p : pods) {
            String name = p.path("name").asText();
            int containers = p.path("containers").asInt();
            if ("Running".equals(p.path("phase").asText()) && containers > 0
                    && p.path("readyContainers").asInt() == containers) {
                for (String c : COMPONENTS) {
                    if (name.equals(c + "-" + node)) {
                        ready.add(c);
                    }
                }
            }
        }
        return ready;
    }

    /** The kubelet's HTTPS probes: no certificate verification. */
    private static HttpClient insecureHttp() throws Exception {
        // an X509ExtendedTrustManager: the JDK adds no hostname check of its own around it
        javax.net.ssl.TrustManager[] trustAll = {new javax.net.ssl.X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType,
                                           java.net.Socket socket) {
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType,
                                           java.net.Socket socket) {
            }

            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType,
                                           javax.net.ssl.SSLEngine engine) {
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType,
                                           javax.net.ssl.SSLEngine engine) {
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }};
        javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
        ssl.init(null, trustAll, new java.security.SecureRandom());
        javax.net.ssl.SSLParameters params = new javax.net.ssl.SSLParameters();
        params.setEndpointIdentificationAlgorithm(null);
        return HttpClient.newBuilder().sslContext(ssl).sslParameters(params)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean ready(Pod p) {
        return p != null && p.getStatus() != null && p.getStatus().getConditions() != null
                && p.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))
                && p.getStatus().getContainerStatuses() != null
                && p.getStatus().getContainerStatuses().stream().allMatch(s -> Boolean.TRUE.equals(s.getReady()));
    }

    private static String kubectl(Path kubeconfig, String... args) {
        List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString(),
                "--request-timeout=10s"));
        cmd.addAll(List.of(args));
        return Cmd.run(Duration.ofSeconds(30), cmd).orFail();
    }

    private static String describe(Map<String, Long> readyAt) {
        List<String> parts = new ArrayList<>();
        readyAt.entrySet().stream().sorted(Map.Entry.comparingByValue())
                .forEach(e -> parts.add(String.format("%s %.1f s", e.getKey(), e.getValue() / 1e9)));
        return String.join(", ", parts);
    }

    /** What to read when the test fails: containers, their last log lines, the mirrors, the agent's log. */
    private String diagnostics() {
        StringBuilder b = new StringBuilder();
        try {
            b.append(containers(node, COMPONENTS));
        } catch (RuntimeException e) {
            b.append("--- ").append(runtime()).append(" containers: cannot list: ").append(e.getMessage()).append('\n');
        }
        try {
            if (admin != null) {
                for (String c : COMPONENTS) {
                    Pod p = mirror(c);
                    b.append("--- mirror ").append(c).append(": ")
                            .append(p == null ? "none" : p.getStatus()).append('\n');
                }
            }
        } catch (RuntimeException e) {
            b.append("--- mirrors: API server not answering: ").append(e.getMessage()).append('\n');
        }
        if (agent != null) {
            b.append("--- agent log, probe/error lines (last 40)\n")
                    .append(agent.grep(40, "WARN", "ERROR", "probe", "Probe", "failed", "error")).append('\n');
            b.append("--- agent log (last 60 lines)\n").append(agent.tail(60)).append('\n');
        }
        return b.toString();
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.out.println("[control-plane] could not remove " + root + ": " + e.getMessage());
        }
    }
}
