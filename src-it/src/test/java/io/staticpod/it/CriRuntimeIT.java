package io.staticpod.it;

import io.staticpod.runtime.cri.CriLogFiles;
import io.staticpod.runtime.cri.CriRuntime;
import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.ContainerSecurity;
import io.staticpod.runtime.spi.ContainerStatus;
import io.staticpod.runtime.spi.DnsConfig;
import io.staticpod.runtime.spi.ExecSync.ExecResult;
import io.staticpod.runtime.spi.LogOptions;
import io.staticpod.runtime.spi.LogReader;
import io.staticpod.runtime.spi.Mount;
import io.staticpod.runtime.spi.NamespaceMode;
import io.staticpod.runtime.spi.NamespaceOptions;
import io.staticpod.runtime.spi.PortMapping;
import io.staticpod.runtime.spi.Resources;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.SandboxMetadata;
import io.staticpod.runtime.spi.Seccomp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@link CriRuntime} on the tests' containerd with its CRI plugin and CNI ({@link CriTestRuntime}): what the contract
 * suite does not show. Traffic goes only to 127.0.0.1 and to the addresses of pods this test started.
 */
class CriRuntimeIT {
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final Map<String, String> LABELS = Map.of("spa.test.cri", RUN);
    static final String SLEEPER = "trap 'exit 0' TERM; sleep 1000 & wait";
    static final Duration PATIENCE = Duration.ofSeconds(60);
    private static CriRuntime cri;

    @TempDir
    Path dir;

    @BeforeAll
    static void theTestsContainerdAnswersCri() {
        CriTestRuntime.require();
        cri = CriTestRuntime.connect();
    }

    @AfterAll
    static void removeWhatThisRunMade() {
        if (cri != null) {
            cri.containers().list(LABELS).forEach(c -> cri.containers().remove(c.id()));
            cri.sandboxes().list(LABELS).forEach(s -> {
                cri.sandboxes().stop(s.id());
                cri.sandboxes().remove(s.id());
            });
            cri.close();
        }
    }

    static SandboxConfig pod(String name, List<PortMapping> ports, DnsConfig dns, Map<String, String> sysctls) {
        return new SandboxConfig(new SandboxMetadata("spa-cri-" + RUN + "-" + name, "spa-test", "uid-" + RUN + name,
                0), name, null, dns, ports, LABELS, Map.of(), NamespaceOptions.POD, sysctls, false);
    }

    static ContainerConfig.Builder busybox(String name, int attempt, String script) {
        return ContainerConfig.builder(name, attempt, ItEnvironment.BUSYBOX).command(List.of("sh", "-c", script))
                .labels(LABELS);
    }

    static String start(String sandbox, SandboxConfig pod, ContainerConfig.Builder c) {
        String id = cri.containers().create(sandbox, c.build(), pod);
        cri.containers().start(id);
        return id;
    }

    static ContainerStatus awaitExited(String id) {
        return await().atMost(PATIENCE).until(() -> cri.containers().status(id).orElseThrow(), ContainerStatus::exited);
    }

    static String get(URI uri) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        return await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString()).body(), b -> !b.isEmpty());
    }

    private Path shared(String name) throws IOException {
        Path p = Files.createDirectories(dir.resolve(name));
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
        return p;
    }

    @Test
    void aTwoContainerPodServesHttpOnItsPodAddress() throws IOException {
        Path www = shared("www");
        SandboxConfig pod = pod("web", List.of(), DnsConfig.NODE, Map.of());
        String sandbox = cri.sandboxes().run(pod);
        start(sandbox, pod, busybox("web", 0, "exec httpd -f -p 8080 -h /www")
                .mounts(List.of(Mount.bind(www.toString(), "/www", true))));
        // the second container writes the page; the first serves it: one pod, one address
        start(sandbox, pod, busybox("writer", 0, "echo \"written by $(hostname)\" > /www/index.html; " + SLEEPER)
                .mounts(List.of(Mount.bind(www.toString(), "/www", false))));

        String ip = cri.sandboxes().status(sandbox).orElseThrow().ip();
        assertThat(ip).as("the pod's address from the CNI bridge").isNotNull().doesNotStartWith("127.");
        assertThat(get(URI.create("http://" + ip + ":8080/"))).isEqualTo("written by web\n");
    }

    @Test
    void aHostPortOnAllAddressesIsReachedOn127001() throws IOException {
        int hostPort;
        try (ServerSocket free = new ServerSocket(0)) {
            hostPort = free.getLocalPort();
        }
        SandboxConfig pod = pod("hostport", List.of(new PortMapping(PortMapping.Protocol.TCP, 8080, hostPort, "")),
                DnsConfig.NODE, Map.of());
        start(cri.sandboxes().run(pod), pod, busybox("web", 0,
                "mkdir -p /www && echo via-host-port > /www/index.html && exec httpd -f -p 8080 -h /www"));

        assertThat(get(URI.create("http://127.0.0.1:" + hostPort + "/"))).isEqualTo("via-host-port\n");
    }

    @Test
    void aCrashedContainerLeavesItsLogAndTheNextAttemptWritesAnotherInTheKubeletsLayout() throws IOException {
        SandboxConfig pod = pod("crash", List.of(), DnsConfig.NODE, Map.of());
        String sandbox = cri.sandboxes().run(pod);
        String first = start(sandbox, pod, busybox("app", 0, "echo attempt 0; echo oops >&2; exit 3"));
        assertThat(awaitExited(first).exitCode()).isEqualTo(3);
        String second = start(sandbox, pod, busybox("app", 1, "echo attempt 1; exit 3"));
        assertThat(awaitExited(second).reason()).isEqualTo("Error");

        Path podLogs = CriTestRuntime.LOG_ROOT.resolve("spa-test_" + pod.metadata().name() + "_" + pod.metadata().uid());
        assertThat(cri.containers().status(first).orElseThrow().logPath()).isEqualTo(podLogs + "/app/0.log");
        assertThat(Files.readAllLines(podLogs.resolve("app/0.log"))).hasSize(2)
                .anySatisfy(l -> assertThat(l).matches("\\S+Z stdout F attempt 0"))
                .anySatisfy(l -> assertThat(l).matches("\\S+Z stderr F oops"));
        assertThat(Files.readAllLines(podLogs.resolve("app/1.log"))).singleElement().asString().endsWith(" stdout F attempt 1");
        assertThat(texts(first)).containsExactlyInAnyOrder("attempt 0", "oops");
        assertThat(texts(second)).containsExactly("attempt 1");

        cri.sandboxes().stop(sandbox);
        cri.sandboxes().remove(sandbox);
        assertThat(podLogs).as("removed with its containers").doesNotExist();
    }

    @Test
    void aLogIsRotatedAtASmallSizeKeepingTheNewestFilesAndTheContainerWritesOn() throws IOException {
        SandboxConfig pod = pod("rotate", List.of(), DnsConfig.NODE, Map.of());
        String id = start(cri.sandboxes().run(pod), pod, busybox("app", 0,
                "i=0; while true; do echo \"line $i\"; i=$((i+1)); sleep 0.01; done"));
        CriLogFiles files = cri.logFiles(Clock.systemUTC());
        Path log = Path.of(cri.containers().status(id).orElseThrow().logPath());

        // the agent calls rotate now and then; here as often as the test looks
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(300)).until(() -> {
            files.rotate(id, 1024, 3);
            return CriLogFiles.rotatedFiles(log).size() >= 2 && Files.size(log) > 0;
        });

        List<Path> rotated = CriLogFiles.rotatedFiles(log);
        assertThat(rotated).hasSizeLessThanOrEqualTo(2);
        int lastRotated = lastNumber(Files.readAllLines(rotated.get(rotated.size() - 1)));
        await().atMost(PATIENCE).until(() -> lastNumber(Files.readAllLines(log)) > lastRotated);
        assertThat(firstNumber(Files.readAllLines(log))).as("the reopened file goes on where the rotated one ended")
                .isGreaterThan(lastRotated);
    }

    @Test
    void securityContextAndAnInMemoryMountReachTheProcess() throws IOException {
        Path out = shared("out");
        SandboxConfig pod = pod("security", List.of(), DnsConfig.NODE, Map.of());
        String id = start(cri.sandboxes().run(pod), pod, busybox("app", 0, "id > /out/id;"
                + " grep -E '^(CapEff|NoNewPrivs)' /proc/self/status > /out/status;"
                + " if touch /root-fs-write 2>/dev/null; then echo writable; else echo read-only; fi > /out/rootfs;"
                + " echo in-memory > /scratch/f && stat -f -c %T /scratch > /out/scratch")
                .mounts(List.of(Mount.bind(out.toString(), "/out", false), Mount.tmpfs("/scratch", 0)))
                .security(new ContainerSecurity(false, 1000L, 2000L, List.of(3000L), List.of(), List.of("ALL"), true,
                        true, Seccomp.RUNTIME_DEFAULT, NamespaceMode.CONTAINER)));

        assertThat(awaitExited(id).exitCode()).isZero();
        assertThat(Files.readString(out.resolve("id"))).startsWith("uid=1000 gid=2000").contains("3000");
        assertThat(Files.readString(out.resolve("status"))).contains("CapEff:\t0000000000000000")
                .contains("NoNewPrivs:\t1");
        assertThat(Files.readString(out.resolve("rootfs"))).isEqualTo("read-only\n");
        assertThat(Files.readString(out.resolve("scratch"))).isEqualTo("tmpfs\n");
    }

    @Test
    void hostNameDnsAndSysctlsAreThePods() throws IOException {
        Path out = shared("out");
        SandboxConfig pod = pod("dns", List.of(), new DnsConfig(List.of("10.0.0.10"), List.of("svc.example"),
                List.of("ndots:2")), Map.of("net.ipv4.ip_local_port_range", "40000 50000"));
        String id = start(cri.sandboxes().run(pod), pod, busybox("app", 0, "hostname > /out/hostname;"
                + " cat /etc/resolv.conf > /out/resolv; cat /proc/sys/net/ipv4/ip_local_port_range > /out/range")
                .mounts(List.of(Mount.bind(out.toString(), "/out", false))));

        assertThat(awaitExited(id).exitCode()).isZero();
        assertThat(Files.readString(out.resolve("hostname"))).isEqualTo("dns\n");
        assertThat(Files.readString(out.resolve("resolv"))).contains("nameserver 10.0.0.10", "search svc.example",
                "options ndots:2");
        assertThat(Files.readString(out.resolve("range")).split("\\s+")).containsExactly("40000", "50000");
    }

    @Test
    void exceedingTheMemoryLimitIsOomKilledAndExecRunsInARunningContainerOnly() {
        SandboxConfig pod = pod("oom", List.of(), DnsConfig.NODE, Map.of());
        String sandbox = cri.sandboxes().run(pod);
        String hog = start(sandbox, pod, busybox("hog", 0, "tail /dev/zero")
                .resources(new Resources(0, 0, 0, 16L << 20, 0)));
        String idle = start(sandbox, pod, busybox("idle", 0, SLEEPER));

        assertThat(awaitExited(hog).reason()).isEqualTo("OOMKilled");
        ExecResult result = cri.exec().orElseThrow().exec(idle, List.of("sh", "-c", "echo out; echo err >&2; exit 4"),
                Duration.ofSeconds(10));
        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.output()).isEqualTo("out\nerr\n");
        assertThat(cri.exec().orElseThrow().exec(idle, List.of("sleep", "30"), Duration.ofSeconds(1)).timedOut())
                .isTrue();
        assertThatThrownBy(() -> cri.exec().orElseThrow().exec(hog, List.of("true"), Duration.ofSeconds(5)))
                .isInstanceOf(RuntimeError.NotFound.class);
    }

    private static List<String> texts(String id) throws IOException {
        List<String> out = new ArrayList<>();
        try (LogReader reader = cri.logs().orElseThrow().open(id, LogOptions.ALL)) {
            for (LogReader.LogLine l = reader.next(); l != null; l = reader.next()) {
                out.add(new String(l.bytes(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static int lastNumber(List<String> lines) {
        return lines.stream().filter(l -> l.contains(" F line ")).mapToInt(CriRuntimeIT::number).max().orElse(-1);
    }

    private static int firstNumber(List<String> lines) {
        return lines.stream().filter(l -> l.contains(" F line ")).mapToInt(CriRuntimeIT::number).findFirst()
                .orElse(-1);
    }

    private static int number(String line) {
        return Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1));
    }
}
