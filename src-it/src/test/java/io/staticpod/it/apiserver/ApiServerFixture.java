package io.staticpod.it.apiserver;

import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * A real kube-apiserver (built from Debian's {@code kubernetes} source package) with its own etcd, both on
 * loopback, configured like a real cluster's: client-certificate authentication, {@code --authorization-mode=Node,RBAC},
 * {@code --enable-admission-plugins=NodeRestriction}. It hands out kubeconfigs for an admin
 * ({@code CN=admin, O=system:masters}) and for nodes ({@code CN=system:node:<node>, O=system:nodes}).
 *
 * <p>Starting takes seconds, so tests share one instance per JVM: {@link #shared()} (or a parameter of type
 * {@code ApiServerFixture} with {@link ApiServerExtension}). {@link #start()} gives a private one, which the caller stops.
 *
 * <p>Binaries: {@code kube-apiserver} and {@code etcd} in {@code $KUBEBUILDER_ASSETS} (system property
 * {@code kubebuilder.assets} first, default {@value #DEFAULT_ASSETS}), installed by {@code scripts/test-apiserver ensure}.
 * When one is missing, a test fails under {@code CI=true} and is skipped elsewhere, with a message naming it.
 *
 * <p>All state (etcd data, certificates, kubeconfigs, the two processes' logs {@code etcd.log} and
 * {@code kube-apiserver.log}) lives in one temporary directory that {@link #stop()} removes.
 */
public final class ApiServerFixture implements AutoCloseable {
    public static final String DEFAULT_ASSETS = "/var/cache/static-pod-agent/kubebuilder/bin";
    /** The service-account issuer; 1.20 requires one together with the signing key. */
    public static final String SERVICE_ACCOUNT_ISSUER = "https://kubernetes.default.svc.cluster.local";
    private static final String INSTALL_HINT = "run scripts/test-apiserver ensure (or scripts/test), which builds "
            + "kube-apiserver from Debian's kubernetes source package and installs etcd from Debian's etcd-server";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final int LOG_TAIL = 30;

    private static final Object SHARED_LOCK = new Object();
    private static ApiServerFixture shared;
    private static RuntimeException sharedFailure;

    private final Path dir;
    private final Pki pki;
    private final Pki.Issued admin;
    private final Path adminKubeconfig;
    private final Map<String, Path> nodeKubeconfigs = new ConcurrentHashMap<>();
    private final Map<String, Pki.Issued> nodeCerts = new ConcurrentHashMap<>();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, List<String>> commands = new LinkedHashMap<>();
    private final AtomicReference<KubernetesClient> adminClient = new AtomicReference<>();
    private final String url;
    private final Duration startTime;
    private volatile boolean stopped;

    /** The instance shared by every test in this JVM: started on first use, stopped by a shutdown hook. */
    public static ApiServerFixture shared() {
        synchronized (SHARED_LOCK) {
            if (shared != null) {
                return shared;
            }
            requireBinaries();
            if (sharedFailure != null) {
                throw new IllegalStateException("the shared API server failed to start earlier: "
                        + sharedFailure.getMessage(), sharedFailure);
            }
            try {
                shared = start();
            } catch (RuntimeException e) {
                sharedFailure = e;
                throw e;
            }
            ApiServerFixture s = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(s::stop, "api-server-fixture-stop"));
            return s;
        }
    }

    /** Stops the shared instance, if one was started (the next {@link #shared()} starts a new one). */
    static void stopShared() {
        synchronized (SHARED_LOCK) {
            if (shared != null) {
                shared.stop();
                shared = null;
            }
        }
    }

    /** A new, private instance; the caller stops it. Checks the binaries first (fail under CI, skip elsewhere). */
    public static ApiServerFixture start() {
        requireBinaries();
        try {
            return new ApiServerFixture(Files.createTempDirectory("spa-apiserver-"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the API server's temp dir", e);
        }
    }

    /** Where the binaries are looked for: {@code -Dkubebuilder.assets}, {@code $KUBEBUILDER_ASSETS}, or the default. */
    public static Path assets() {
        String p = System.getProperty("kubebuilder.assets");
        if (p == null || p.isBlank()) {
            p = System.getenv("KUBEBUILDER_ASSETS");
        }
        return Path.of(p == null || p.isBlank() ? DEFAULT_ASSETS : p);
    }

    /** Fails under {@code CI=true}, skips elsewhere, when kube-apiserver or etcd is not in {@link #assets()}. */
    public static void requireBinaries() {
        List<String> missing = new ArrayList<>();
        for (String bin : List.of("kube-apiserver", "etcd")) {
            if (!Files.isExecutable(assets().resolve(bin))) {
                missing.add(assets().resolve(bin).toString());
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        String message = "no usable " + String.join(" and ", missing) + " ($KUBEBUILDER_ASSETS="
                + assets() + "): " + INSTALL_HINT;
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("CI=true and " + message);
        }
        Assumptions.abort(message);
    }

    private ApiServerFixture(Path dir) {
        long t0 = System.nanoTime();
        this.dir = dir;
        try {
            Path pkiDir = Files.createDirectories(dir.resolve("pki"));
            this.pki = Pki.newCa("static-pod-agent-test-ca");
            pki.ca().write(pkiDir, "ca");
            pki.server("kube-apiserver", List.of("127.0.0.1"),
                    List.of("localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
                            "kubernetes.default.svc.cluster.local")).write(pkiDir, "apiserver");
            var sa = Pki.keyPair();
            Pki.writeFile(pkiDir.resolve("sa.key"), Pki.pem(sa.getPrivate()));
            Pki.writeFile(pkiDir.resolve("sa.pub"), Pki.pem(sa.getPublic()));
            this.admin = pki.client("admin", "system:masters");
            // what the API server presents to nodes (kubectl logs, exec), as kubeadm makes it
            pki.client("kube-apiserver-kubelet-client", "system:masters").write(pkiDir, "apiserver-kubelet-client");

            int etcdClient = freePort();
            int etcdPeer = freePort();
            int securePort = freePort();
            this.url = "https://127.0.0.1:" + securePort;
            this.adminKubeconfig = writeKubeconfig("admin", admin);

            Path etcdData = dir.resolve("etcd-data"); // etcd makes it, mode 0700
            String etcdUrl = "http://127.0.0.1:" + etcdClient;
            String peerUrl = "http://127.0.0.1:" + etcdPeer;
            launch("etcd", List.of(
                    assets().resolve("etcd").toString(),
                    "--name=default",
                    "--data-dir=" + etcdData,
                    "--listen-client-urls=" + etcdUrl,
                    "--advertise-client-urls=" + etcdUrl,
                    "--listen-peer-urls=" + peerUrl,
                    "--initial-advertise-peer-urls=" + peerUrl,
                    "--initial-cluster=default=" + peerUrl,
                    "--initial-cluster-state=new",
                    "--logger=zap",
                    "--log-level=warn"));
            launch("kube-apiserver", List.of(
                    assets().resolve("kube-apiserver").toString(),
                    "--etcd-servers=" + etcdUrl,
                    "--bind-address=127.0.0.1",
                    "--advertise-address=127.0.0.1",
                    "--secure-port=" + securePort,
                    "--insecure-port=0",
                    "--cert-dir=" + Files.createDirectories(dir.resolve("apiserver-certs")),
                    "--client-ca-file=" + pkiDir.resolve("ca.crt"),
                    "--tls-cert-file=" + pkiDir.resolve("apiserver.crt"),
                    "--tls-private-key-file=" + pkiDir.resolve("apiserver.key"),
                    "--authorization-mode=Node,RBAC",
                    "--enable-admission-plugins=NodeRestriction",
                    "--service-cluster-ip-range=10.96.0.0/24",
                    "--service-account-key-file=" + pkiDir.resolve("sa.pub"),
                    "--service-account-signing-key-file=" + pkiDir.resolve("sa.key"),
                    "--service-account-issuer=" + SERVICE_ACCOUNT_ISSUER,
                    "--allow-privileged=true",
                    "--kubelet-client-certificate=" + pkiDir.resolve("apiserver-kubelet-client.crt"),
                    "--kubelet-client-key=" + pkiDir.resolve("apiserver-kubelet-client.key"),
                    "--kubelet-preferred-address-types=InternalIP,Hostname",
                    "--profiling=false"));
            awaitReady();
            createDefaultServiceAccount();
        } catch (IOException | RuntimeException | Error e) {
            String logs = logTails();
            stop();
            if (e instanceof org.opentest4j.TestAbortedException abort) {
                throw abort;
            }
            throw new IllegalStateException("the test API server did not start: " + e.getMessage() + "\n" + logs, e);
        }
        this.startTime = Duration.ofNanos(System.nanoTime() - t0);
        System.out.println("[api-server-fixture] " + url + " ready in " + startTime.toMillis() + " ms (state: " + dir + ")");
    }

    /** {@code https://127.0.0.1:<port>}. */
    public String url() {
        return url;
    }

    /** The directory holding this instance's state and logs. */
    public Path dir() {
        return dir;
    }

    /** How long this instance took from the first certificate to a ready API server. */
    public Duration startTime() {
        return startTime;
    }

    /** A kubeconfig for {@code CN=admin, O=system:masters}, certificates embedded. */
    public Path adminKubeconfig() {
        return adminKubeconfig;
    }

    /**
     * A kubeconfig for the node {@code node}: {@code CN=system:node:<node>, O=system:nodes}, exactly what a
     * kubelet has, with the certificate, key and CA embedded. Made once per node name.
     */
    public Path nodeKubeconfig(String node) {
        return nodeKubeconfigs.computeIfAbsent(node, n -> writeKubeconfig("node-" + n, nodeCert(n), url));
    }

    /**
     * The node's kubeconfig (same certificate as {@link #nodeKubeconfig(String)}) pointing at another server, such
     * as a proxy on loopback serving a certificate of {@link #servingTls()}.
     */
    public Path nodeKubeconfig(String node, String server) {
        return writeKubeconfig("node-" + node + "-via-" + server.replaceAll("[^A-Za-z0-9]+", "-"), nodeCert(node),
                server);
    }

    /** A TLS context presenting the node's client certificate and trusting this cluster's CA. */
    public javax.net.ssl.SSLContext nodeTls(String node) {
        return pki.sslContext(nodeCert(node));
    }

    /** A TLS context presenting a new serving certificate for 127.0.0.1 and localhost, issued by this CA. */
    public javax.net.ssl.SSLContext servingTls() {
        return pki.sslContext(pki.server("loopback-proxy", List.of("127.0.0.1"), List.of("localhost")));
    }

    /**
     * Key managers presenting a client certificate of this cluster's CA ({@code CN=user}, {@code O=group}), for a
     * client of a node API; they present it whatever CAs the server names.
     */
    public javax.net.ssl.KeyManager[] clientKeys(String user, String group) {
        return Pki.presentAlways(pki.client(user, group));
    }

    /** As {@link #clientKeys}, from a CA this cluster has never seen. */
    public static javax.net.ssl.KeyManager[] foreignClientKeys(String user) {
        return Pki.presentAlways(Pki.newCa("foreign-ca").client(user, "system:masters"));
    }

    /** {@code kubectl} built with kube-apiserver when {@code $KUBEBUILDER_ASSETS} has it, else the one on the PATH. */
    public static String kubectl() {
        Path built = assets().resolve("kubectl");
        return Files.isExecutable(built) ? built.toString() : "kubectl";
    }

    private Pki.Issued nodeCert(String node) {
        return nodeCerts.computeIfAbsent(node, n -> pki.client("system:node:" + n, "system:nodes"));
    }

    /** The PEM of the CA that signs the API server's certificate and every client certificate. */
    public Path caFile() {
        return dir.resolve("pki/ca.crt");
    }

    /** A fabric8 client as the admin; one per fixture, closed by {@link #stop()}. Do not close it. */
    public KubernetesClient adminClient() {
        return adminClient.updateAndGet(c -> c != null ? c : client(adminKubeconfig));
    }

    /** A new fabric8 client for the node's kubeconfig; the caller closes it. */
    public KubernetesClient nodeClient(String node) {
        return client(nodeKubeconfig(node));
    }

    /** A new fabric8 client for any kubeconfig; the caller closes it. */
    public static KubernetesClient client(Path kubeconfig) {
        try {
            Config config = Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
            // never through a proxy from the environment: the server is on loopback
            config.setHttpsProxy(null);
            config.setHttpProxy(null);
            config.setNoProxy(new String[]{"127.0.0.1", "localhost"});
            config.setRequestRetryBackoffLimit(0);
            return new KubernetesClientBuilder().withConfig(config).build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + kubeconfig, e);
        }
    }

    /** The last lines of etcd's and the API server's logs, for failure messages. */
    public String logTails() {
        StringBuilder b = new StringBuilder();
        for (String name : List.of("etcd", "kube-apiserver")) {
            Path log = dir.resolve(name + ".log");
            b.append("--- last ").append(LOG_TAIL).append(" lines of ").append(log).append(" ---\n");
            try {
                List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
                lines.subList(Math.max(0, lines.size() - LOG_TAIL), lines.size()).forEach(l -> b.append(l).append('\n'));
            } catch (IOException | UncheckedIOException e) {
                b.append("(unreadable: ").append(e.getMessage()).append(")\n");
            }
        }
        return b.toString();
    }

    /** Kills both processes (API server first), closes the admin client and removes the temp dir. Idempotent. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        KubernetesClient c = adminClient.getAndSet(null);
        if (c != null) {
            c.close();
        }
        List<Process> started = new ArrayList<>(processes.values());
        for (int i = started.size() - 1; i >= 0; i--) {
            Process p = started.get(i);
            p.destroy();
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        deleteTree(dir);
    }

    @Override
    public void close() {
        stop();
    }

    /** Kills the kube-apiserver process only (etcd keeps the state), as an outage would. */
    public synchronized void stopApiServer() {
        Process p = processes.get("kube-apiserver");
        if (p != null) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts kube-apiserver again with the same flags and waits until it is ready. */
    public synchronized void startApiServer() {
        try {
            launch("kube-apiserver", commands.get("kube-apiserver"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        awaitReady();
    }

    private void launch(String name, List<String> command) throws IOException {
        commands.put(name, command);
        Path log = dir.resolve(name + ".log");
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        processes.put(name, p);
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newBuilder().sslContext(pki.sslContext(admin))
                .proxy(HttpClient.Builder.NO_PROXY).connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest readyz = HttpRequest.newBuilder(URI.create(url + "/readyz")).timeout(Duration.ofSeconds(5)).build();
        AtomicReference<String> last = new AtomicReference<>("no answer yet");
        try {
            await().alias("kube-apiserver " + url + "/readyz answering 200")
                    .atMost(START_TIMEOUT).pollDelay(Duration.ofMillis(300)).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        for (Map.Entry<String, Process> p : processes.entrySet()) {
                            if (!p.getValue().isAlive()) {
                                throw new IllegalStateException(p.getKey() + " exited with code "
                                        + p.getValue().exitValue());
                            }
                        }
                        try {
                            HttpResponse<String> r = http.send(readyz, HttpResponse.BodyHandlers.ofString());
                            last.set(r.statusCode() + " " + r.body());
                            return r.statusCode() == 200;
                        } catch (IOException e) {
                            last.set(e.toString());
                            return false;
                        }
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new IllegalStateException("not ready within " + START_TIMEOUT.toSeconds() + " s; last answer: "
                    + last.get(), e);
        }
    }

    /**
     * A real cluster's controller-manager makes the {@code default} service account in every namespace; there is
     * none here, so the fixture makes the one in {@code default}, for pods that are not mirrors to reach admission.
     */
    private void createDefaultServiceAccount() {
        try {
            adminClient().serviceAccounts().inNamespace("default")
                    .resource(new ServiceAccountBuilder().withNewMetadata().withName("default").endMetadata()
                            .withAutomountServiceAccountToken(false).build())
                    .create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    private Path writeKubeconfig(String name, Pki.Issued user) {
        return writeKubeconfig(name, user, url);
    }

    private Path writeKubeconfig(String name, Pki.Issued user, String server) {
        String yaml = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: static-pod-agent-test
                  cluster:
                    server: %s
                    certificate-authority-data: %s
                users:
                - name: %s
                  user:
                    client-certificate-data: %s
                    client-key-data: %s
                contexts:
                - name: %s
                  context:
                    cluster: static-pod-agent-test
                    user: %s
                current-context: %s
                """.formatted(server, Pki.base64(pki.ca().certPem()), name, Pki.base64(user.certPem()),
                Pki.base64(user.keyPem()), name, name, name);
        try {
            Path kubeconfigs = Files.createDirectories(dir.resolve("kubeconfig"));
            Path file = kubeconfigs.resolve(name + ".kubeconfig");
            Files.writeString(file, yaml);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the kubeconfig for " + name, e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a temp dir
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // best effort
        }
    }
}
