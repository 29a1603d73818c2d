package io.staticpod.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Debian package as an operator installs it: built by {@code scripts/package}, inspected with {@code dpkg-deb},
 * unpacked into a scratch root with {@code dpkg -x} (never onto this machine), its unit accepted by
 * {@code systemd-analyze verify}, and the agent started exactly as the unit's {@code ExecStart} line starts it (in the
 * foreground, paths moved into the scratch root), serving /healthz and /metrics and running the example pod.
 */
class DebianPackageIT {
    static final Path REPO = ItEnvironment.EXAMPLES.toAbsolutePath().normalize().getParent().getParent();
    static final String UNIT = "lib/systemd/system/static-pod-agent.service";

    private final DockerObserver docker = new DockerObserver();
    private final String node = "deb-" + UUID.randomUUID().toString().substring(0, 8);
    @TempDir
    Path tmp;
    Process agent;

    @BeforeEach
    void requireTools() {
        ItEnvironment.requireDocker();
        for (String tool : new String[]{"dpkg-deb", "dpkg", "systemd-analyze"}) {
            if (!onPath(tool)) {
                String message = tool + " is missing (scripts/test installs Debian's dpkg and systemd)";
                if (ItEnvironment.ci()) {
                    throw new AssertionError("CI=true and " + message);
                }
                Assumptions.abort(message);
            }
        }
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (agent != null && agent.isAlive()) {
            agent.toHandle().destroy();
            if (!agent.waitFor(20, TimeUnit.SECONDS)) {
                agent.destroyForcibly();
            }
        }
        docker.removeAll(node);
    }

    private static boolean onPath(String tool) {
        return Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }

    record Run(int code, String output) {
    }

    static Run run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("%s ends", Arrays.toString(cmd)).isTrue();
        System.out.println("[" + String.join(" ", cmd) + "] exit " + p.exitValue() + "\n" + out);
        return new Run(p.exitValue(), out);
    }

    @Test
    void thePackageBuildsInstallsVerifiesAndRunsTheExampleAsTheUnitStartsIt() throws Exception {
        Run built = run(REPO, REPO.resolve("scripts/package").toString(), ItEnvironment.AGENT_JAR.toAbsolutePath()
                .toString(), tmp.resolve("out").toString());
        assertThat(built.code()).isZero();
        Path deb = Path.of(built.output().strip().lines().reduce((a, b) -> b).orElseThrow());
        assertThat(deb.getFileName().toString()).matches("static-pod-agent_[0-9.]+(~SNAPSHOT)?_all\\.deb");

        Run info = run(tmp, "dpkg-deb", "-I", deb.toString());
        assertThat(info.output()).contains("Package: static-pod-agent", "Architecture: all",
                "Depends: openjdk-17-jre-headless | java17-runtime-headless");
        Run contents = run(tmp, "dpkg-deb", "-c", deb.toString());
        assertThat(contents.output()).contains("./usr/lib/static-pod-agent/static-pod-agent.jar",
                "./usr/bin/static-pod-agent", "./lib/systemd/system/static-pod-agent.service",
                "./etc/static-pod-agent/config.yaml", "./etc/default/static-pod-agent",
                "./etc/systemd/system/static-pod-agent.service.d/",
                "./usr/share/static-pod-agent/cni/10-static-pod-agent.conflist");
        assertThat(run(tmp, "dpkg-deb", "-f", deb.toString(), "Version").output().strip())
                .isNotEmpty();
        Path control = Files.createDirectories(tmp.resolve("control"));
        assertThat(run(tmp, "dpkg-deb", "-e", deb.toString(), control.toString()).code()).isZero();
        assertThat(Files.readAllLines(control.resolve("conffiles")))
                .contains("/etc/static-pod-agent/config.yaml", "/etc/default/static-pod-agent");

        Path root = Files.createDirectories(tmp.resolve("root"));
        assertThat(run(tmp, "dpkg", "-x", deb.toString(), root.toString()).code()).isZero();
        String unit = Files.readString(root.resolve(UNIT));
        assertThat(unit).contains("Restart=always", "KillMode=process", "After=network-online.target docker.service"
                + " containerd.service", "EnvironmentFile=-/etc/default/static-pod-agent");
        assertThat(Files.readString(root.resolve("etc/static-pod-agent/config.yaml")))
                .contains("staticPodPath: /etc/kubernetes/manifests");
        // the pod network for CRI runtimes: postinst copies it to /etc/cni/net.d only when that has none
        assertThat(Files.readString(root.resolve("usr/share/static-pod-agent/cni/10-static-pod-agent.conflist")))
                .contains("\"type\": \"bridge\"", "\"type\": \"host-local\"", "\"type\": \"portmap\"");
        assertThat(Files.readString(control.resolve("postinst"))).contains("/etc/cni/net.d",
                "10-static-pod-agent.conflist");

        verifyUnit(root);
        startAsTheUnitDoes(root, unit);
    }

    /**
     * {@code dpkg -i} onto this machine, then {@code dpkg --purge}: what an operator does. It changes the machine, so
     * it runs where the machine is a throwaway (CI=true, or SPA_TEST_DPKG_INSTALL=1) and is skipped elsewhere.
     */
    @Test
    void thePackageInstallsWithDpkgAndPurgesCleanly() throws Exception {
        if (!ItEnvironment.ci() && !"1".equals(System.getenv("SPA_TEST_DPKG_INSTALL"))) {
            Assumptions.abort("installs onto this machine: runs under CI=true or with SPA_TEST_DPKG_INSTALL=1");
        }
        Run status = run(tmp, "dpkg", "-s", "static-pod-agent");
        Assumptions.assumeTrue(status.code() != 0 || ItEnvironment.ci(),
                "static-pod-agent is installed on this machine already; not touching it");
        Run built = run(REPO, REPO.resolve("scripts/package").toString(), ItEnvironment.AGENT_JAR.toAbsolutePath()
                .toString(), tmp.resolve("out").toString());
        Path deb = Path.of(built.output().strip().lines().reduce((a, b) -> b).orElseThrow());
        try {
            assertThat(run(tmp, "dpkg", "-i", deb.toString()).code()).isZero();
            assertThat(run(tmp, "dpkg", "-s", "static-pod-agent").output()).contains("Status: install ok installed");
            assertThat(run(tmp, "/usr/bin/static-pod-agent", "version").output()).startsWith("static-pod-agent ");
            Run verify = run(tmp, "systemd-analyze", "verify", "/lib/systemd/system/static-pod-agent.service");
            assertThat(verify.code()).isZero();
            assertThat(verify.output()).doesNotContain("static-pod-agent.service:");
            Run validate = run(tmp, "/usr/bin/static-pod-agent", "validate", ItEnvironment.EXAMPLES.toAbsolutePath()
                    .toString());
            assertThat(validate.code()).isZero();
        } finally {
            assertThat(run(tmp, "dpkg", "--purge", "static-pod-agent").code()).isZero();
        }
        assertThat(Files.exists(Path.of("/usr/bin/static-pod-agent"))).isFalse();
        assertThat(Files.exists(Path.of("/etc/static-pod-agent/config.yaml"))).isFalse();
    }

    /** systemd-analyze verify in the scratch root, with the host's own units beside ours (targets, sockets). */
    private void verifyUnit(Path root) throws Exception {
        Path units = root.resolve("lib/systemd/system");
        for (Path dir : List.of(Path.of("/lib/systemd/system"), Path.of("/usr/lib/systemd/system"))) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    for (Path u : s.filter(Files::isRegularFile).toList()) {
                        Path target = units.resolve(u.getFileName().toString());
                        if (!Files.exists(target)) {
                            Files.copy(u, target);
                        }
                    }
                }
            }
        }
        Path kill = Files.createDirectories(root.resolve("bin")).resolve("kill");
        if (!Files.exists(kill)) {
            Files.copy(Path.of(Files.exists(Path.of("/bin/kill")) ? "/bin/kill" : "/usr/bin/kill"), kill);
        }
        Run verify = run(root, "systemd-analyze", "verify", "--root=" + root, "/" + UNIT);
        assertThat(verify.code()).isZero();
        // it warns about what it ignores (a misspelled setting) and still exits 0: its output must be empty
        assertThat(verify.output().lines().filter(l -> l.contains("static-pod-agent"))).isEmpty();
    }

    /** The ExecStart line, with /etc and /usr moved into the scratch root and $STATIC_POD_AGENT_ARGS expanded. */
    private void startAsTheUnitDoes(Path root, String unit) throws Exception {
        String execStart = unit.lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow()
                .substring("ExecStart=".length());
        assertThat(execStart).isEqualTo(
                "/usr/bin/static-pod-agent --config=/etc/static-pod-agent/config.yaml $STATIC_POD_AGENT_ARGS");
        Path manifests = Files.createDirectories(tmp.resolve("manifests"));
        String example = Files.readString(ItEnvironment.EXAMPLES.resolve("hello-hostpath.yaml"))
                .replaceAll("image: busybox:[^\\s]+", "image: " + ItEnvironment.BUSYBOX)
                .replace("/var/log/", tmp.resolve("host").toString() + "/");
        Files.writeString(manifests.resolve("hello-hostpath.yaml"), example);
        int port = OperateAgentIT.freePort();
        String args = "--pod-manifest-path=" + manifests + " --hostname-override=" + node + " --root-dir="
                + tmp.resolve("state") + " --healthz-port=" + port + " --pod-infra-container-image="
                + ItEnvironment.PAUSE;
        List<String> cmd = new ArrayList<>();
        for (String word : execStart.split(" ")) {
            if (word.equals("$STATIC_POD_AGENT_ARGS")) {
                cmd.addAll(List.of(args.split(" ")));
            } else if (word.startsWith("/")) {
                cmd.add(root + word);
            } else if (word.startsWith("--config=/")) {
                cmd.add("--config=" + root + word.substring("--config=".length()));
            } else {
                cmd.add(word);
            }
        }
        List<String> lines = new CopyOnWriteArrayList<>();
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("JOURNAL_STREAM", "8:12345"); // as under systemd: no time stamps
        pb.environment().put("STATIC_POD_AGENT_CDS_DIR", tmp.resolve("cds").toString()); // not the machine's cache
        agent = pb.start();
        Thread reader = new Thread(() -> new java.io.BufferedReader(new java.io.InputStreamReader(
                agent.getInputStream(), StandardCharsets.UTF_8)).lines().forEach(l -> {
                    lines.add(l);
                    System.out.println("[deb agent] " + l);
                }));
        reader.setDaemon(true);
        reader.start();

        Scrape scrape = new Scrape(port);
        await().atMost(Duration.ofSeconds(30)).alias("/healthz ok").ignoreExceptions()
                .until(() -> scrape.get("/healthz").body().equals("ok"));
        await().atMost(Duration.ofSeconds(30)).alias("the example pod runs").until(() -> !docker.running(node)
                .stream().filter(c -> "hello".equals(c.labels().get("io.kubernetes.container.name"))).toList()
                .isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> scrape.sum("static_pod_agent_static_pods",
                java.util.Map.of("phase", "Running")) == 1.0);
        assertThat(scrape.sum("jvm_memory_used_bytes", java.util.Map.of())).isPositive();
        // the launcher's JVM options are in force
        String jvm = String.join(" ", agent.toHandle().info().arguments().orElse(new String[0]));
        assertThat(jvm).contains("-XX:+UseSerialGC", "-Xmx64m", "-jar");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("INFO  StaticPodAgent: Starting static-pod-agent"));
    }
}
