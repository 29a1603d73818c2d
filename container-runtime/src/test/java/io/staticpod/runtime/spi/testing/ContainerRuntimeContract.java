package io.staticpod.runtime.spi.testing;

import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.ContainerEvent;
import io.staticpod.runtime.spi.ContainerSecurity;
import io.staticpod.runtime.spi.ContainerStatus;
import io.staticpod.runtime.spi.DnsConfig;
import io.staticpod.runtime.spi.EnvVar;
import io.staticpod.runtime.spi.ExecStreams;
import io.staticpod.runtime.spi.ExecSync.ExecResult;
import io.staticpod.runtime.spi.LogOptions;
import io.staticpod.runtime.spi.LogReader;
import io.staticpod.runtime.spi.LogReader.LogLine;
import io.staticpod.runtime.spi.Mount;
import io.staticpod.runtime.spi.NamespaceMode;
import io.staticpod.runtime.spi.Resources;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.Seccomp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The behaviour every {@link io.staticpod.runtime.spi.ContainerRuntime} adapter must show, run on
 * {@link FakeContainerRuntime} as a unit test and on each real adapter against its engine as an integration test,
 * so that the fake the agent is tested with cannot drift from the engines.
 *
 * <p>Besides {@link ContractLifecycle}: what a real process sees (environment, mounts, cgroup limits, user and
 * capabilities, namespaces shared in a pod, DNS and host name, signals on stop, the OOM killer), the pod network (an
 * address, published host ports), and the optional abilities (exec, exit events, logs), each run when the runtime's
 * {@link io.staticpod.runtime.spi.Capabilities} say it has them. Tests that need a real process run only when
 * {@link #supportsRealProcesses()}; they are reported as skipped, with the reason, otherwise. Every sandbox and
 * container carries {@link #testLabels()} and is removed after each test. Images: {@link #busyboxImage()} (built by
 * {@code scripts/lib.sh ensure_images}) and the adapter's own sandbox image.
 */
public abstract class ContainerRuntimeContract extends ContractLifecycle {

    private static final String REAL = "needs a real process (supportsRealProcesses())";
    /** Values that only a runtime with {@code multiLineEnv} takes, the docker CLI's own HTTP_PROXY among them. */
    private static final Map<String, String> LINE_BREAKS = Map.of("MULTI", "line 1\nline 2\n", "CR", "ends in cr\r",
            "HTTP_PROXY", "multi\nline");

    @TempDir
    Path dir;

    // ---------------------------------------------------------------------------------------- processes

    @Test
    void environmentValuesAndTheWorkingDirReachTheProcessExactly() throws IOException {
        assumeThat(supportsRealProcesses()).as(REAL).isTrue();
        Map<String, String> values = new LinkedHashMap<>();
        values.put("FOO", "a b");
        values.put("EMPTY", "");
        values.put("LAST", "x=y");
        values.put("QUOTES", "it's \"quoted\" \\ too");
        values.put("DOLLAR", "$HOME $(id) ${x} `id`");
        values.put("SPACES", "  padded  ");
        values.put("HASH", "#not a comment");
        values.put("DOCKER_HOST", "unix:///nonexistent/docker.sock"); // read by the docker CLI for itself
        values.put("my.dotted-name", "d v"); // a valid Kubernetes name that no shell can read as a variable
        if (runtime().capabilities().multiLineEnv()) { // else refused: the next test
            values.putAll(LINE_BREAKS);
        }
        List<EnvVar> env = new ArrayList<>(List.of(new EnvVar("FOO", "overridden by the later FOO")));
        values.forEach((k, v) -> env.add(new EnvVar(k, v)));
        SandboxConfig pod = pod("env").build();
        // PID 1 is the shell; its initial environment, NUL-separated, shows every variable exactly
        String id = start(run(pod), pod, busybox("app", "cat /proc/1/environ > /out/environ; pwd > /out/pwd")
                .env(env).workingDir("/work/dir").mounts(List.of(Mount.bind(dir.toString(), "/out", false))));

        assertThat(awaitExited(id).exitCode()).isZero();
        List<String> environ = List.of(Files.readString(dir.resolve("environ")).split("\0"));
        values.forEach((name, value) -> assertThat(environ).as(name).contains(name + "=" + value)
                .filteredOn(e -> e.startsWith(name + "=")).hasSize(1));
        assertThat(Files.readString(dir.resolve("pwd"))).isEqualTo("/work/dir\n");
    }

    @Test
    void aValueTheRuntimeCouldOnlyPassOnACommandLineIsRefusedNamingTheVariableNotItsValue() {
        assumeThat(runtime().capabilities().multiLineEnv()).as("capability multiLineEnv is false").isFalse();
        SandboxConfig pod = pod("env-refused").build();
        String sandbox = run(pod);

        LINE_BREAKS.forEach((name, value) -> assertThatThrownBy(() -> runtime().containers().create(sandbox,
                busybox("app", SLEEPER).env(List.of(new EnvVar("OK", "fine"), new EnvVar(name, value))).build(), pod))
                .as(name).isInstanceOf(RuntimeError.Refused.class).hasMessageContaining(name)
                .hasMessageNotContaining(value.strip()).hasMessageNotContaining("fine"));
        assertThat(runtime().containers().list(testLabels())).isEmpty();
    }

    @Test
    void aCommandReplacesTheImagesAndArgsFollowIt() throws IOException {
        assumeThat(supportsRealProcesses()).as(REAL).isTrue();
        SandboxConfig pod = pod("argv").build();
        String sandbox = run(pod);
        List<Mount> out = List.of(Mount.bind(dir.toString(), "/out", false));
        String alone = start(sandbox, pod, ContainerConfig.builder("alone", 0, busyboxImage()).labels(testLabels())
                .mounts(out).command(List.of("sh", "-c", "echo \"$0 $#\" > /out/alone", "zero")));
        String both = start(sandbox, pod, ContainerConfig.builder("both", 0, busyboxImage()).labels(testLabels())
                .mounts(out).command(List.of("sh", "-c", "echo \"$0 $# $*\" > /out/both", "zero"))
                .args(List.of("x", "y z")));
        String argsOnly = start(sandbox, pod, ContainerConfig.builder("args", 0, busyboxImage()).labels(testLabels())
                .mounts(out).args(List.of("sh", "-c", "echo args-only > /out/args")));

        for (String id : List.of(alone, both, argsOnly)) {
            assertThat(awaitExited(id).exitCode()).isZero();
        }
        assertThat(Files.readString(dir.resolve("alone"))).isEqualTo("zero 0\n");
        assertThat(Files.readString(dir.resolve("both"))).isEqualTo("zero 2 x y z\n");
        assertThat(Files.readString(dir.resolve("args"))).isEqualTo("args-only\n");
    }

    @Test
    void stopEndsAProcessThatTrapsTermWithoutWaitingForTheGrace() {
        assumeThat(supportsRealProcesses()).as(REAL).isTrue();
        SandboxConfig pod = pod("trap").build();
        String id = start(run(pod), pod, busybox("app", SLEEPER));

        long started = System.nanoTime();
        runtime().containers().stop(id, Duration.ofSeconds(30));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        assertThat(status(id).exitCode()).isZero();
        assertThat(status(id).reason()).isEqualTo("Completed");
    }

    @Test
    void stopKillsAProcessIgnoringTermOnceTheGraceIsOver() {
        assumeThat(supportsRealProcesses()).as(REAL).isTrue();
        SandboxConfig pod = pod("ignore").build();
        String id = start(run(pod), pod, busybox("app", "trap '' TERM; while true; do sleep 0.1; done"));

        long started = System.nanoTime();
        runtime().containers().stop(id, Duration.ofSeconds(2));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1800))
                .isLessThan(Duration.ofSeconds(20));
        assertThat(status(id).exitCode()).isEqualTo(137);
        assertThat(status(id).reason()).isEqualTo("Error");
    }

    @Test
    void aProcessExceedingItsMemoryLimitIsOomKilled() {
        SandboxConfig pod = pod("oom").build();
        String id = start(run(pod), pod, busybox("app", "exec dd if=/dev/zero of=/dev/null bs=256M count=1")
                .resources(new Resources(0, 0, 0, 32L << 20, 0)));
        processOomKilled(id);

        ContainerStatus killed = awaitExited(id);

        assertThat(killed.reason()).isEqualTo("OOMKilled");
        assertThat(killed.exitCode()).isEqualTo(137);
    }

    @Test
    void bindMountsAreWritableOrReadOnlyAsAskedAndATmpfsIsInMemory() throws IOException {
        assumeThat(supportsRealProcesses()).as(REAL).isTrue();
        Path readOnly = Files.createDirectories(dir.resolve("ro"));
        Path out = Files.createDirectories(dir.resolve("out"));
        SandboxConfig pod = pod("mounts").build();
        String id = start(run(pod), pod, busybox("app", "echo written > /out/file;"
                + " if touch /ro/x 2>/dev/null; then echo writable; else echo read-only; fi > /out/ro;"
                + " echo in-memory > /scratch/f && grep ' /scratch ' /proc/mounts > /out/scratch")
                .mounts(List.of(Mount.bind(out.toString(), "/out", false), Mount.bind(readOnly.toString(), "/ro", true),
                        Mount.tmpfs("/scratch", 4L << 20))));

        assertThat(awaitExited(id).exitCode()).isZero();
        assertThat(Files.readString(out.resolve("file"))).isEqualTo("written\n");
        assertThat(Files.readString(out.resolve("ro"))).isEqualTo("read-only\n");
        assertThat(readOnly.resolve("x")).doesNotExist();
        assertThat(Files.readString(out.resolve("scratch"))).startsWith("tmpfs /scratch tmpfs rw").contains("size=4096k");
    }

    @Test
    void cpuAndMemoryLimitsAreTheContainersCgroupSettings() throws IOException {
        assumeThat(supportsRealProcesses()).as(REAL).isTrue();
        SandboxConfig pod = pod("cgroup").build();
        // cgroup v1 files first, then v2's
        String id = start(run(pod), pod, busybox("app", "cd /sys/fs/cgroup;"
                + " (cat memory/memory.limit_in_bytes || cat memory.max) > /out/memory;"
                + " (cat cpu/cpu.shares || cat cpu,cpuacct/cpu.shares || cat cpu.weight) > /out/shares;"
                + " (echo $(cat cpu/cpu.cfs_quota_us cpu/cpu.cfs_period_us) || cat cpu.max) > /out/quota")
                .mounts(List.of(Mount.bind(dir.toString(), "/out", false)))
                .resources(new Resources(512, 50_000, 100_000, 64L << 20, 0)));

        assertThat(awaitExited(id).exitCode()).isZero();
        assertThat(Files.readString(dir.resolve("memory")).strip()).isEqualTo(Long.toString(64L << 20));
        assertThat(Files.readString(dir.resolve("shares")).strip()).isIn("512", "20");
        assertThat(Files.readString(dir.resolve("quota")).strip()).isEqualTo("50000 100000");
    }

    @Test
    void theUserAndGroupAreApplied() throws IOException {
        assumeThat(supportsRealProcesses()).as(REAL).isTrue();
        assumeThat(runtime().capabilities().runAsUser()).as("capability runAsUser").isTrue();
        assertThat(idOfAContainerRunningAs(1234L, 5678L)).isEqualTo("1234 5678\n");
    }

    @Test
    void withoutTheUserCapabilityAContainerRunsAsItsImagesUser() throws IOException {
        assumeThat(supportsRealProcesses()).as(REAL).isTrue();
        assumeThat(runtime().capabilities().runAsUser()).as("capability runAsUser is false").isFalse();
        assertThat(idOfAContainerRunningAs(1234L, 5678L)).isEqualTo("0 0\n");
    }

    private String idOfAContainerRunningAs(Long user, Long group) throws IOException {
        SandboxConfig pod = pod("user").build();
        Path forAnyone = Files.createDirectory(dir.resolve("any"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
        Files.setPosixFilePermissions(forAnyone, PosixFilePermissions.fromString("rwxrwxrwx")); // past the umask
        String id = start(run(pod), pod, busybox("user", "echo $(id -u) $(id -g) > /out/id")
                .mounts(List.of(Mount.bind(forAnyone.toString(), "/out", false)))
                .security(new ContainerSecurity(false, user, group, List.of(), List.of(), List.of(), false, false,
                        Seccomp.UNCONFINED, NamespaceMode.CONTAINER)));
        assertThat(awaitExited(id).exitCode()).isZero();
        return Files.readString(forAnyone.resolve("id"));
    }

    @Test
    void capabilitiesAndAReadOnlyRootAreApplied() throws IOException {
        assumeThat(supportsRealProcesses()).as(REAL).isTrue();
        SandboxConfig pod = pod("security").build();
        String locked = start(run(pod), pod, busybox("locked", "grep CapEff /proc/self/status > /out/caps;"
                + " if touch /x 2>/dev/null; then echo writable; else echo read-only; fi > /out/root")
                .mounts(List.of(Mount.bind(dir.toString(), "/out", false)))
                .security(new ContainerSecurity(false, null, null, List.of(), List.of("NET_BIND_SERVICE"),
                        List.of("ALL"), true, true, Seccomp.RUNTIME_DEFAULT, NamespaceMode.CONTAINER)));

        assertThat(awaitExited(locked).exitCode()).isZero();
        assertThat(Files.readString(dir.resolve("caps"))).matches("CapEff:\\s+0000000000000400\n");
        assertThat(Files.readString(dir.resolve("root"))).isEqualTo("read-only\n");
    }

    // ---------------------------------------------------------------------------------------- the pod

    @Test
    void containersOfASandboxShareItsNetworkAndIpcAndThePidNamespaceOnlyWhenAsked() throws IOException {
        assumeThat(supportsRealProcesses()).as(REAL).isTrue();
        SandboxConfig separate = pod("ns-own").build();
        SandboxConfig shared = pod("ns-shared").sharedPid().build();
        List<Mount> out = List.of(Mount.bind(dir.toString(), "/out", false));
        String s1 = run(separate);
        String s2 = run(shared);
        List<String> ids = List.of(
                start(s1, separate, busybox("a", namespaces("own-a")).mounts(out)),
                start(s1, separate, busybox("b", namespaces("own-b")).mounts(out)),
                start(s2, shared, busybox("a", namespaces("shared-a")).mounts(out).security(pid(NamespaceMode.POD))),
                start(s2, shared, busybox("b", namespaces("shared-b")).mounts(out).security(pid(NamespaceMode.POD))));

        // all four alive at once: the kernel reuses a namespace's number once it is gone
        await().atMost(PATIENCE).until(() -> List.of("own-a", "own-b", "shared-a", "shared-b").stream()
                .allMatch(f -> Files.exists(dir.resolve(f))));
        ids.forEach(id -> assertThat(status(id).running()).as(id).isTrue());
        Map<String, String> ownA = readNamespaces("own-a");
        Map<String, String> ownB = readNamespaces("own-b");
        // not UTS: Docker gives each container its own, with the sandbox's host name (see the hostname test)
        for (String ns : List.of("net", "ipc")) {
            assertThat(ownB.get(ns)).as(ns).isEqualTo(ownA.get(ns));
            assertThat(readNamespaces("shared-a").get(ns)).as(ns).isNotEqualTo(ownA.get(ns));
        }
        assertThat(ownB.get("pid")).isNotEqualTo(ownA.get("pid"));
        assertThat(readNamespaces("shared-b").get("pid")).isEqualTo(readNamespaces("shared-a").get("pid"));
        // the agent's own port-forward (a runtime with exec streams) connects from inside the pod's namespace
        String netns = runtime().sandboxes().status(s1).orElseThrow().netns();
        if (runtime().execStreams().isPresent()) {
            assertThat(netns).as("the sandbox's network namespace").isNotNull();
        }
        if (netns != null) {
            assertThat(Files.readSymbolicLink(Path.of(netns)).toString()).isEqualTo(ownA.get("net"));
        }
    }

    @Test
    void aSandboxOnTheNodesNetworkSharesTheNodesNetworkNamespace() throws IOException {
        assumeThat(supportsRealProcesses()).as(REAL).isTrue();
        SandboxConfig pod = pod("node-net").hostNetwork().build();
        String sandbox = run(pod);
        start(sandbox, pod, busybox("app", namespaces("node"))
                .mounts(List.of(Mount.bind(dir.toString(), "/out", false))));

        await().atMost(PATIENCE).until(() -> Files.exists(dir.resolve("node")));
        assertThat(readNamespaces("node").get("net"))
                .isEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString());
        assertThat(runtime().sandboxes().status(sandbox).orElseThrow().netns()).isNull();
    }

    @Test
    void theContainersSeeThePodsHostnameAndDns() throws IOException {
        assumeThat(supportsRealProcesses()).as(REAL).isTrue();
        SandboxConfig pod = pod("dns").hostname("web-" + RUN)
                .dns(new DnsConfig(List.of("10.11.12.13"), List.of("spa.svc.cluster.local"), List.of("ndots:5")))
                .build();
        String id = start(run(pod), pod, busybox("app", "hostname > /out/hostname; cat /etc/resolv.conf > /out/dns")
                .mounts(List.of(Mount.bind(dir.toString(), "/out", false))));

        assertThat(awaitExited(id).exitCode()).isZero();
        assertThat(Files.readString(dir.resolve("hostname"))).isEqualTo("web-" + RUN + "\n");
        assertThat(Files.readString(dir.resolve("dns")).lines().map(String::strip))
                .contains("nameserver 10.11.12.13", "search spa.svc.cluster.local", "options ndots:5");
    }

    @Test
    void thePodsSysctlsAreSetInItsNamespaces() throws IOException {
        assumeThat(supportsRealProcesses()).as(REAL).isTrue();
        SandboxConfig pod = pod("sysctl").sysctl("kernel.shm_rmid_forced", "1").build();
        String id = start(run(pod), pod, busybox("app", "cat /proc/sys/kernel/shm_rmid_forced > /out/value")
                .mounts(List.of(Mount.bind(dir.toString(), "/out", false))));

        assertThat(awaitExited(id).exitCode()).isZero();
        assertThat(Files.readString(dir.resolve("value"))).isEqualTo("1\n");
    }

    @Test
    void theSandboxAddressReachesAServerOfThePod() throws Exception {
        assumeThat(supportsRealProcesses()).as(REAL).isTrue();
        assumeThat(runtime().capabilities().podNetwork()).as("capability podNetwork").isTrue();
        SandboxConfig pod = pod("address").build();
        String sandbox = run(pod);
        start(sandbox, pod, busybox("web", httpd("at-the-pod-address")));
        String ip = runtime().sandboxes().status(sandbox).orElseThrow().ip();

        assertThat(get(URI.create("http://" + ip + ":8080/"))).isEqualTo("at-the-pod-address\n");
    }

    @Test
    void aPublishedHostPortReachesTheContainersServer() throws Exception {
        assumeThat(supportsRealProcesses()).as(REAL).isTrue();
        assumeThat(runtime().capabilities().hostPorts()).as("capability hostPorts").isTrue();
        int hostPort;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            hostPort = free.getLocalPort();
        }
        SandboxConfig pod = pod("published").port(8080, hostPort, "127.0.0.1").build();
        start(run(pod), pod, busybox("web", httpd("published")));

        assertThat(get(URI.create("http://127.0.0.1:" + hostPort + "/"))).isEqualTo("published\n");
    }

    // ---------------------------------------------------------------------------------- optional abilities

    @Test
    void execRunsACommandInARunningContainerWithItsExitCodeAndOutput() {
        assumeThat(runtime().capabilities().exec()).as("capability exec").isTrue();
        SandboxConfig pod = pod("exec").build();
        String id = start(run(pod), pod, busybox("app", SLEEPER));
        List<String> command = List.of("sh", "-c", "echo out; echo err >&2; exit 3");
        arrangeExec(command, new ExecResult(3, "out\nerr\n", false));
        List<String> slow = List.of("sleep", "30");
        arrangeExec(slow, new ExecResult(-1, "", true));

        ExecResult result = runtime().exec().orElseThrow().exec(id, command, Duration.ofSeconds(30));
        ExecResult timedOut = runtime().exec().orElseThrow().exec(id, slow, Duration.ofSeconds(1));

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.output()).contains("out\n").contains("err\n");
        assertThat(result.timedOut()).isFalse();
        assertThat(timedOut.timedOut()).isTrue();
        assertThat(timedOut.succeeded()).isFalse();
    }

    @Test
    void execInAMissingOrExitedContainerIsNotFound() {
        assumeThat(runtime().capabilities().exec()).as("capability exec").isTrue();
        SandboxConfig pod = pod("exec-gone").build();
        String id = start(run(pod), pod, busybox("app", "exit 0"));
        processExited(id, 0);
        awaitExited(id);

        assertThatThrownBy(() -> runtime().exec().orElseThrow().exec(MISSING, List.of("true"), Duration.ofSeconds(5)))
                .isInstanceOf(RuntimeError.NotFound.class);
        assertThatThrownBy(() -> runtime().exec().orElseThrow().exec(id, List.of("true"), Duration.ofSeconds(5)))
                .isInstanceOf(RuntimeError.NotFound.class);
    }

    @Test
    void execStreamsCopyStdoutAndStderrAsTheyComeAndGiveTheExitCode() throws Exception {
        assumeThat(runtime().execStreams()).as("exec streams").isPresent();
        SandboxConfig pod = pod("exec-streams").build();
        String id = start(run(pod), pod, busybox("app", SLEEPER));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code;
        try (ExecStreams.Process p = runtime().execStreams().orElseThrow().start(id, List.of("sh", "-c",
                "seq 1 20000; echo to stderr >&2; exit 4"), false, false)) {
            code = p.copyOutput(out, err);
        }

        assertThat(code).isEqualTo(4);
        assertThat(out.toString(StandardCharsets.UTF_8).split("\n")).hasSize(20000).endsWith("20000");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("to stderr\n");
    }

    @Test
    void execStreamsEndAtTheFirstWriteThatFailsNotWhenTheCommandEnds() {
        assumeThat(runtime().execStreams()).as("exec streams").isPresent();
        SandboxConfig pod = pod("exec-gone-client").build();
        String id = start(run(pod), pod, busybox("app", SLEEPER));
        OutputStream gone = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("the client has gone");
            }
        };

        // the command would run for 10 minutes: the call must return with the failed write, long before
        assertTimeoutPreemptively(Duration.ofMinutes(2), () -> assertThatThrownBy(() -> runtime().execStreams()
                .orElseThrow().start(id, List.of("sh", "-c", "echo first; sleep 600"), false, false)
                .copyOutput(gone, OutputStream.nullOutputStream())).isInstanceOf(IOException.class)
                .hasMessageContaining("has gone"));
    }

    @Test
    void execStreamsGiveTheCommandItsInputUntilItIsClosed() throws Exception {
        assumeThat(runtime().execStreams()).as("exec streams").isPresent();
        SandboxConfig pod = pod("exec-stdin").build();
        String id = start(run(pod), pod, busybox("app", SLEEPER));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code;
        try (ExecStreams.Process p = runtime().execStreams().orElseThrow().start(id, List.of("sh", "-c",
                "wc -l; echo done >&2"), true, false)) {
            try (OutputStream in = p.stdin()) {
                for (int i = 0; i < 5000; i++) {
                    in.write(("line " + i + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
            code = p.copyOutput(out, err);
        }

        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).trim()).isEqualTo("5000");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("done\n");
    }

    @Test
    void execStreamsOnATerminalHaveOneOutputAndTheSizeGiven() throws Exception {
        assumeThat(runtime().execStreams()).as("exec streams").isPresent();
        SandboxConfig pod = pod("exec-tty").build();
        String id = start(run(pod), pod, busybox("app", SLEEPER));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code;
        try (ExecStreams.Process p = runtime().execStreams().orElseThrow().start(id, List.of("sh", "-c",
                "read size; stty size; echo to stderr >&2; exit 5"), true, true)) {
            p.resize(91, 33);
            p.stdin().write("resized\n".getBytes(StandardCharsets.UTF_8)); // left open: the command ends by itself
            code = p.copyOutput(out, err);
        }

        assertThat(code).isEqualTo(5);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("33 91").contains("to stderr");
        assertThat(err.size()).isZero();
    }

    @Test
    void aKilledExecCommandIsGoneFromTheContainerAndKillingAnEndedOneIsNothing() throws Exception {
        assumeThat(runtime().execStreams()).as("exec streams").isPresent();
        SandboxConfig pod = pod("exec-kill").build();
        String id = start(run(pod), pod, busybox("app", SLEEPER));
        ExecStreams streams = runtime().execStreams().orElseThrow();

        try (ExecStreams.Process p = streams.start(id, List.of("sleep", "601"), true, false)) {
            await().atMost(PATIENCE).until(() -> processes(id).contains("sleep 601"));
            p.kill();
        }
        await().atMost(PATIENCE).until(() -> !processes(id).contains("sleep 601"));

        try (ExecStreams.Process p = streams.start(id, List.of("true"), false, false)) {
            assertThat(p.copyOutput(OutputStream.nullOutputStream(), OutputStream.nullOutputStream())).isZero();
            p.kill();
        }
    }

    /** What {@code ps} in the container shows, through exec streams. */
    private String processes(String id) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ExecStreams.Process p = runtime().execStreams().orElseThrow().start(id, List.of("ps"), false, false)) {
            p.copyOutput(out, OutputStream.nullOutputStream());
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void execStreamsInAMissingOrExitedContainerAreNotFound() {
        assumeThat(runtime().execStreams()).as("exec streams").isPresent();
        SandboxConfig pod = pod("exec-streams-gone").build();
        String id = start(run(pod), pod, busybox("app", "exit 0"));
        processExited(id, 0);
        awaitExited(id);

        assertThatThrownBy(() -> runtime().execStreams().orElseThrow().start(MISSING, List.of("true"), false, false))
                .isInstanceOf(RuntimeError.NotFound.class);
        assertThatThrownBy(() -> runtime().execStreams().orElseThrow().start(id, List.of("true"), true, false))
                .isInstanceOf(RuntimeError.NotFound.class);
    }

    @Test
    void anAttachFollowsTheContainersOutputUntilItExits() throws Exception {
        assumeThat(runtime().execStreams()).as("exec streams").isPresent();
        SandboxConfig pod = pod("attach").build();
        String id = start(run(pod), pod, busybox("app", "i=0; while [ ! -e /out/stop ]; do echo tick $i; i=$((i+1));"
                + " sleep 0.1; done; echo last >&2; exit 3").mounts(List.of(Mount.bind(dir.toString(), "/out",
                false))));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        OutputStream outs = synchronizedStream(out);

        try (ExecStreams.Process p = runtime().execStreams().orElseThrow().attach(id)) {
            p.stdin().write("dropped\n".getBytes(StandardCharsets.UTF_8));
            CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> {
                try {
                    return p.copyOutput(outs, synchronizedStream(err));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            await().atMost(PATIENCE).until(() -> ticks(out).size() >= 3);
            Files.createFile(dir.resolve("stop"));

            // it ends when the container does; an attach has no exit code of its own
            assertThat(code.get(2, TimeUnit.MINUTES)).isZero();
        }
        List<Integer> ticks = ticks(out);
        assertThat(ticks).hasSizeGreaterThanOrEqualTo(3);
        for (int i = 1; i < ticks.size(); i++) {
            assertThat(ticks.get(i)).isEqualTo(ticks.get(i - 1) + 1);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("last\n");
    }

    private static List<Integer> ticks(ByteArrayOutputStream out) {
        String text;
        synchronized (out) {
            text = out.toString(StandardCharsets.UTF_8);
        }
        return text.lines().filter(l -> l.matches("tick \\d+")).map(l -> Integer.parseInt(l.substring(5))).toList();
    }

    private static OutputStream synchronizedStream(ByteArrayOutputStream to) {
        return new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (to) {
                    to.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (to) {
                    to.write(b, off, len);
                }
            }
        };
    }

    @Test
    void anAttachToAMissingOrExitedContainerIsNotFound() {
        assumeThat(runtime().execStreams()).as("exec streams").isPresent();
        SandboxConfig pod = pod("attach-gone").build();
        String id = start(run(pod), pod, busybox("app", "exit 0"));
        processExited(id, 0);
        awaitExited(id);

        assertThatThrownBy(() -> runtime().execStreams().orElseThrow().attach(MISSING))
                .isInstanceOf(RuntimeError.NotFound.class);
        assertThatThrownBy(() -> runtime().execStreams().orElseThrow().attach(id))
                .isInstanceOf(RuntimeError.NotFound.class);
    }

    @Test
    void anExitArrivesAsAnEventWithItsCode() throws Exception {
        assumeThat(runtime().capabilities().exitEvents()).as("capability exitEvents").isTrue();
        List<ContainerEvent> events = new CopyOnWriteArrayList<>();
        try (AutoCloseable subscription = runtime().events().orElseThrow().subscribe(testLabels(), events::add)) {
            SandboxConfig pod = pod("events").build();
            String id = start(run(pod), pod, busybox("app", "exit 3"));
            processExited(id, 3);

            await().atMost(PATIENCE).untilAsserted(() -> assertThat(events).anySatisfy(e -> {
                assertThat(e.type()).isEqualTo(ContainerEvent.Type.EXITED);
                assertThat(e.containerId()).isEqualTo(id);
                assertThat(e.exitCode()).isEqualTo(3);
                assertThat(e.labels()).containsAllEntriesOf(testLabels());
            }));
        }
    }

    @Test
    void aCutEventStreamIsFollowedByAResyncAndLaterExitsStillArrive() throws Exception {
        assumeThat(runtime().capabilities().exitEvents()).as("capability exitEvents").isTrue();
        List<ContainerEvent> events = new CopyOnWriteArrayList<>();
        try (AutoCloseable subscription = runtime().events().orElseThrow().subscribe(testLabels(), events::add)) {
            assumeThat(cutEventStream()).as("the test can cut this runtime's event stream (see its fault tests)")
                    .isTrue();
            await().atMost(PATIENCE).until(() -> events.stream()
                    .anyMatch(e -> e.type() == ContainerEvent.Type.RESYNC));
            SandboxConfig pod = pod("resync").build();
            String id = start(run(pod), pod, busybox("app", "exit 4"));
            processExited(id, 4);

            await().atMost(PATIENCE).until(() -> events.stream().anyMatch(e ->
                    e.type() == ContainerEvent.Type.EXITED && id.equals(e.containerId())));
        }
    }

    @Test
    void logsHoldTheLinesOfBothStreamsAndTailTakesTheLast() throws IOException {
        assumeThat(runtime().capabilities().logs()).as("capability logs").isTrue();
        SandboxConfig pod = pod("logs").build();
        String id = start(run(pod), pod, busybox("app", "echo one; echo two >&2; echo three; exit 0"));
        processWrote(id, LogLine.Stream.STDOUT, "one");
        processWrote(id, LogLine.Stream.STDERR, "two");
        processWrote(id, LogLine.Stream.STDOUT, "three");
        processExited(id, 0);
        awaitExited(id);

        List<LogLine> all = read(id, LogOptions.ALL);
        List<LogLine> tail = read(id, new LogOptions(false, 1, null));

        assertThat(all).extracting(ContainerRuntimeContract::text).containsExactlyInAnyOrder("one", "two", "three");
        assertThat(all).filteredOn(l -> l.stream() == LogLine.Stream.STDOUT).extracting(ContainerRuntimeContract::text)
                .containsExactly("one", "three");
        assertThat(all).filteredOn(l -> l.stream() == LogLine.Stream.STDERR).extracting(ContainerRuntimeContract::text)
                .containsExactly("two");
        assertThat(all).allSatisfy(l -> assertThat(l.time()).isNotNull());
        assertThat(tail).extracting(ContainerRuntimeContract::text).containsExactly(text(all.get(2)));
    }

    @Test
    void logsSinceATimeStartAtThatTimeAndFollowingEndsWhenTheProcessExits() throws Exception {
        assumeThat(runtime().capabilities().logs()).as("capability logs").isTrue();
        SandboxConfig pod = pod("follow").build();
        String id = start(run(pod), pod, busybox("app", "echo early; while [ ! -e /in/go ]; do sleep 0.1; done;"
                + " echo late >&2; exit 0").mounts(List.of(Mount.bind(dir.toString(), "/in", true))));
        processWrote(id, LogLine.Stream.STDOUT, "early");
        LogLine early = await().atMost(PATIENCE).until(() -> read(id, LogOptions.ALL), l -> !l.isEmpty()).get(0);

        try (LogReader following = runtime().logs().orElseThrow().open(id,
                new LogOptions(true, -1, early.time().plusNanos(1000)))) {
            Files.writeString(dir.resolve("go"), "");
            processWrote(id, LogLine.Stream.STDERR, "late");
            processExited(id, 0);

            LogLine late = nextWithin(following);
            assertThat(text(late)).isEqualTo("late");
            assertThat(late.stream()).isEqualTo(LogLine.Stream.STDERR);
            assertThat(nextWithin(following)).isNull();
        }
        assertThat(text(read(id, LogOptions.ALL).get(0))).isEqualTo("early");
    }

    @Test
    void logsOfAMissingContainerAreNotFound() {
        assumeThat(runtime().capabilities().logs()).as("capability logs").isTrue();

        assertThatThrownBy(() -> runtime().logs().orElseThrow().open(MISSING, LogOptions.ALL))
                .isInstanceOf(RuntimeError.NotFound.class);
    }

    // ------------------------------------------------------------------------------------------ helpers

    private List<LogLine> read(String id, LogOptions options) throws IOException {
        List<LogLine> lines = new ArrayList<>();
        try (LogReader reader = runtime().logs().orElseThrow().open(id, options)) {
            for (LogLine line = reader.next(); line != null; line = reader.next()) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** The next line, failing the test (not hanging it) when none comes in time. */
    private static LogLine nextWithin(LogReader reader) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return reader.next();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    private static String text(LogLine line) {
        return new String(line.bytes(), StandardCharsets.UTF_8);
    }

    /** Writes the container's namespaces to /out/{file} (at once, by a rename), then runs until stopped. */
    private static String namespaces(String file) {
        return "for ns in net ipc pid; do echo $ns $(readlink /proc/self/ns/$ns); done > /out/." + file
                + " && mv /out/." + file + " /out/" + file + "; " + SLEEPER;
    }

    private Map<String, String> readNamespaces(String file) throws IOException {
        Map<String, String> namespaces = new LinkedHashMap<>();
        Files.readAllLines(dir.resolve(file)).forEach(l -> namespaces.put(l.split(" ")[0], l.split(" ")[1]));
        return namespaces;
    }

    private static ContainerSecurity pid(NamespaceMode mode) {
        return new ContainerSecurity(false, null, null, List.of(), List.of(), List.of(), false, false,
                Seccomp.UNCONFINED, mode);
    }

    private static String httpd(String body) {
        return "mkdir -p /www && echo " + body + " > /www/index.html && exec httpd -f -p 8080 -h /www";
    }

    private static String get(URI uri) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        return await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString()).body(), b -> !b.isEmpty());
    }
}
