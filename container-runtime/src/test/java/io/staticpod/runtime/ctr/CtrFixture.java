package io.staticpod.runtime.ctr;

import io.staticpod.runtime.exec.FakeCommandRunner;
import io.staticpod.runtime.spi.NamespaceMode;
import io.staticpod.runtime.spi.NamespaceOptions;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.SandboxMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Tests of a {@link CtrPodRuntime} on a scripted runner, with the real ids and outputs saved under {@code ctr/} (see
 * its README), a fake clock that sleeps advance, and the node's files in a temporary directory. Every scripted
 * command must have run by the end of each test.
 */
abstract class CtrFixture {

    static final String SOCKET = "/run/spa/containerd.sock";
    static final String SANDBOX = "8a3bfe2f369cb58d1e455082907fef8520deef4c323910043d398bd1ac1297e3";
    static final String APP = "12980fc2827a9357fe94c92a2f934ff1c6cfb2febd8c43ee53492aac937e8c5e";
    static final String BAD = "f597260aa0266cb5284f988053669a7f9823adbbffbe640daae7ca7026efefa2";
    static final String PAUSE = "static-pod-agent.local/pause:1.0";
    static final String PAUSE_MANIFEST = "sha256:5a50352c58224fa8b4e741d6bbc376ce0c3f5ba26038a90f2edc47aa26548934";
    static final String PAUSE_ID = "sha256:113ab0263b03e4c7c3cd188189172286de220fd3a080b37ee6aa0403f51dd58f";
    static final String BUSYBOX = "static-pod-agent.local/busybox:1.35";
    static final String BUSYBOX_MANIFEST = "sha256:7d1428aeff9bbbe7d69f953adacdb49c5c3c626c986ade1c96dba69a42c81fd5";
    static final String BUSYBOX_ID = "sha256:1df00a5aeeb0af0b14bd8ed482a1ebaa27ee1a185e5114ceed16b1afd49ba940";
    static final Instant NOW = Instant.parse("2026-12-06T18:30:00Z");
    /** Where the saved outputs put logs and sandbox files. */
    static final String SAVED_DIR = "/var/log/static-pod-agent/";

    @TempDir
    Path dir;
    final FakeCommandRunner runner = new FakeCommandRunner();
    final AtomicReference<Instant> now = new AtomicReference<>(NOW);
    final List<Duration> sleeps = new ArrayList<>();
    final Deque<String> ids = new ArrayDeque<>();
    Path logs;
    Path files;
    Path cgroup;
    /** An executable named like perl: containers get CRI-format logs ({@link CtrLoggers}). */
    Path perl;

    @BeforeEach
    void aNodeOfItsOwn() throws Exception {
        logs = dir.resolve("logs");
        files = dir.resolve("sandboxes");
        cgroup = dir.resolve("cgroup");
        perl = Files.createFile(dir.resolve("perl"), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        Files.writeString(dir.resolve("node-hosts"), "127.0.0.1 localhost node1\n");
        Files.writeString(dir.resolve("node-resolv.conf"), "nameserver 192.0.2.53\n");
    }

    @AfterEach
    void everyScriptedCommandRan() {
        runner.assertAllCalled();
    }

    CtrPodRuntime runtime() {
        return runtime(FileLogReader.MONITOR);
    }

    CtrPodRuntime runtime(FileLogReader.Waiter waiter) {
        return runtime(waiter, runner);
    }

    /** On {@code commands}, which may watch the scripted runner's calls before passing them on. */
    CtrPodRuntime runtime(FileLogReader.Waiter waiter, io.staticpod.runtime.exec.CommandRunner commands) {
        return new CtrPodRuntime(commands, "ctr", "unix://" + SOCKET, "spa", PAUSE, logs, new CtrPodRuntime.Node(
                cgroup, files, dir.resolve("node-hosts"), dir.resolve("node-resolv.conf"), perl, now::get,
                d -> {
                    sleeps.add(d);
                    now.set(now.get().plus(d));
                }, waiter, ids::remove));
    }

    static String[] ctr(String... args) {
        List<String> argv = new ArrayList<>(List.of("ctr", "--address", SOCKET, "--connect-timeout", "3s",
                "--namespace", "spa"));
        argv.addAll(List.of(args));
        return argv.toArray(String[]::new);
    }

    static List<String> argv(String... args) {
        return new ArrayList<>(List.of(ctr(args)));
    }

    /** A saved output, its paths moved into this test's directory. */
    String saved(String name) {
        return FakeCommandRunner.resource("ctr/" + name).replace(SAVED_DIR, dir + "/");
    }

    static String tasks(String... rows) {
        return "TASK    PID     STATUS    \n" + String.join("\n", rows) + (rows.length == 0 ? "" : "\n");
    }

    void expect(String[] argv, String stdout) {
        runner.expect(argv).succeeds(stdout);
    }

    void imagePresent(String image, String manifest, String config, String name) {
        expect(ctr("images", "ls", "name==\"" + image + "\""), saved("images-ls-" + name + ".txt"));
        expect(ctr("content", "get", manifest), saved("manifest-" + name + ".json"));
        expect(ctr("content", "get", config), saved("config-" + name + ".json"));
    }

    void sandboxRunning() {
        expect(ctr("containers", "info", SANDBOX), saved("info-sandbox-running.json"));
        expect(ctr("tasks", "ls"), saved("tasks-ls-sandbox.txt"));
    }

    static String filter(String... pairs) {
        List<String> terms = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            terms.add("labels.\"static-pod-agent.ctr/" + pairs[i] + "\"==\"" + pairs[i + 1] + "\"");
        }
        return String.join(",", terms);
    }

    /** The sandbox the saved outputs were made with: pod default/web-n1, its own network, IPC and PID namespace. */
    static SandboxConfig podSandbox() {
        return new SandboxConfig(new SandboxMetadata("web-n1", "default", "uid-smoke", 0), "web", null, null,
                null, Map.of("smoke", "ctrport"), Map.of("kubernetes.io/config.hash", "abc"),
                new NamespaceOptions(NamespaceMode.POD, NamespaceMode.POD, NamespaceMode.POD), Map.of(), false);
    }
}
