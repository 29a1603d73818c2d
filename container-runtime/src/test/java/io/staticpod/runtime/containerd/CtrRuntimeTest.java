package io.staticpod.runtime.containerd;

import io.staticpod.runtime.ContainerInfo;
import io.staticpod.runtime.ImageResult;
import io.staticpod.runtime.LaunchSpec;
import io.staticpod.runtime.LaunchSpec.EnvVar;
import io.staticpod.runtime.LaunchSpec.Mount;
import io.staticpod.runtime.LaunchSpec.Namespace;
import io.staticpod.runtime.LaunchSpec.PortMapping;
import io.staticpod.runtime.PullPolicy;
import io.staticpod.runtime.exec.CommandException;
import io.staticpod.runtime.exec.FakeCommandRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static io.staticpod.runtime.exec.FakeCommandRunner.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The containerd adapter against a scripted runner: exact argv, real saved containerd 1.6.20 output. */
class CtrRuntimeTest {

    static final String RUNNING = "26c7b657ab64f392171d2ca2ee451ee4ad546e6017f93b37c410e007753f0814";
    static final String EXITED = "cdd2fbda697f64834dbc8a140f700e2f1c99b0e5329a067b3bc21bad671e1825";
    static final String FAILED = "9ad1ad0954577967bdfe73dc600d4cce60355f701899bf48355ad26d26b514ef";
    static final String NEW_ID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    static final String BUSYBOX = "static-pod-agent.local/busybox:1.35";
    static final String BUSYBOX_MANIFEST = "sha256:3f1e8d9a895e512fcd5773d2d0157e7102a464ab0f99e745e735dc268513fd0a";
    static final String BUSYBOX_ID = "sha256:7133297c8fa9d9f7a331e26a4d95df818f619c31df66e47c894ec213c3d130a1";
    static final String SOCKET = "/run/spa/containerd.sock";
    static final Instant NOW = Instant.parse("2026-11-29T20:30:00Z");

    @TempDir
    Path dir;

    final FakeCommandRunner runner = new FakeCommandRunner();
    final AtomicReference<Instant> now = new AtomicReference<>(NOW);
    final List<Duration> sleeps = new ArrayList<>();

    CtrRuntime ctr() {
        return new CtrRuntime(runner, "ctr", "unix://" + SOCKET, "spa", dir.resolve("logs"), dir.resolve("cgroup"),
                Duration.ofMinutes(2), Duration.ofMinutes(10), now::get,
                d -> {
                    sleeps.add(d);
                    now.set(now.get().plus(d));
                }, () -> NEW_ID);
    }

    @AfterEach
    void everyScriptedCommandRan() {
        runner.assertAllCalled();
    }

    static String[] ctr(String... args) {
        List<String> argv = new ArrayList<>(List.of("ctr", "--address", SOCKET, "--connect-timeout", "3s", "--namespace", "spa"));
        argv.addAll(List.of(args));
        return argv.toArray(String[]::new);
    }

    static String tasks(String... rows) {
        return "TASK    PID     STATUS    \n" + String.join("\n", rows) + (rows.length == 0 ? "" : "\n");
    }

    void busyboxIsPresent() {
        runner.expect(ctr("images", "ls", "name==\"" + BUSYBOX + "\"")).succeeds(resource("containerd/images-ls-busybox.txt"));
        runner.expect(ctr("content", "get", BUSYBOX_MANIFEST)).succeeds(resource("containerd/manifest-busybox.json"));
        runner.expect(ctr("content", "get", BUSYBOX_ID)).succeeds(resource("containerd/config-busybox.json"));
    }

    void noContainers() {
        runner.expect(ctr("containers", "ls", "-q")).succeeds("");
        runner.expect(ctr("tasks", "ls")).succeeds(resource("containerd/tasks-ls.txt"));
    }

    String logUri() {
        return io.staticpod.runtime.ctr.CtrFlags.logUri(dir.resolve("logs").resolve(NEW_ID + ".log"));
    }

    List<String> run(String... rest) {
        List<String> argv = new ArrayList<>(List.of(ctr("run", "-d", "--log-uri", logUri())));
        argv.addAll(List.of(rest));
        return argv;
    }

    List<String> ourLabels(String name) {
        return List.of("--label", "static-pod-agent.ctr/image=" + BUSYBOX,
                "--label", "static-pod-agent.ctr/image-id=" + BUSYBOX_ID,
                "--label", "static-pod-agent.ctr/log-path=" + dir.resolve("logs").resolve(NEW_ID + ".log"),
                "--label", "static-pod-agent.ctr/name=" + name);
    }

    static LaunchSpec spec(List<String> entrypoint, List<String> args) {
        return new LaunchSpec("c1", BUSYBOX, entrypoint, args, null, null, null, null, null, null, null, null, null);
    }

    void expectRun(List<String> argv) {
        runner.expect(argv.toArray(String[]::new)).succeeds("");
    }

    @Test
    void versionReadsTheServersVersion() {
        runner.expect(ctr("version")).succeeds(resource("containerd/version.txt"));

        assertThat(ctr().version()).isEqualTo("containerd 1.6.20~ds1");
    }

    @Test
    void versionFailsNamingTheCommandWhenContainerdDoesNotAnswer() {
        runner.expect(ctr("version")).returns(1, "Client:\n  Version:  1.6.20~ds1\n",
                "ctr: failed to dial \"" + SOCKET + "\": context deadline exceeded\n");

        assertThatThrownBy(() -> ctr().version()).hasMessageContaining("containerd not usable")
                .hasMessageContaining("ctr --address " + SOCKET + " --connect-timeout 3s --namespace spa version")
                .hasMessageContaining("context deadline exceeded");
    }

    @Test
    void startRunsDetachedWithSortedLabelsEnvCwdMountsAndALogFile() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path missing = dir.resolve("created-like-docker-does");
        busyboxIsPresent();
        noContainers();
        List<String> argv = run("--label", "a=1", "--label", "b=x,y");
        argv.addAll(ourLabels("c1"));
        argv.addAll(List.of("--label", "static-pod-agent.ctr/stop-signal=SIGQUIT",
                "--env-file", FakeCommandRunner.ENV_FILE, "--cwd", "/work",
                "--mount", "type=bind,src=" + data + ",dst=/etc/k,options=rbind:ro",
                "--mount", "type=bind,src=" + missing + ",dst=/var/data,options=rbind:rw",
                BUSYBOX, NEW_ID));
        expectRun(argv);
        LaunchSpec spec = new LaunchSpec("c1", BUSYBOX, null, null,
                List.of(new EnvVar("Z", "1"), new EnvVar("A", "x y"), new EnvVar("EMPTY", null)), "/work",
                List.of(new Mount(data.toString(), "/etc/k", true), new Mount(missing.toString(), "/var/data", false)),
                List.of(new PortMapping(80, 8080, null, "tcp")), Map.of("b", "x,y", "a", "1"),
                Namespace.own(), Namespace.own(), "web", "SIGQUIT");

        assertThat(ctr().start(spec)).isEqualTo(NEW_ID);
        assertThat(missing).isDirectory();
        assertThat(dir.resolve("logs")).isDirectory();
        assertThat(runner.calls()).noneMatch(c -> String.join(" ", c.argv()).contains("oom"));
        assertThat(runner.calls()).filteredOn(c -> c.argv().contains("run")).singleElement()
                .satisfies(c -> assertThat(c.envFileLines()).containsExactly("Z=1", "A=x y", "EMPTY="));
    }

    @Test
    void envValuesStayOffArgvExceptMultiLineOnesWhichAreRedactedInErrors() {
        String secret = "s3cr3t";
        busyboxIsPresent();
        noContainers();
        List<String> argv = run();
        argv.addAll(ourLabels("c1"));
        argv.addAll(List.of("--env-file", FakeCommandRunner.ENV_FILE, "--env", "PEM=a\n" + secret,
                BUSYBOX, NEW_ID));
        runner.expect(argv.toArray(String[]::new)).returns(1, "", "ctr: failed to create shim task\n");
        runner.expect(ctr("containers", "info", NEW_ID)).fails(1, "ctr: container \"" + NEW_ID + "\": not found\n");
        LaunchSpec spec = new LaunchSpec("c1", BUSYBOX, null, null, List.of(new EnvVar("TOKEN", secret + " =\"'$x"),
                new EnvVar("PEM", "a\n" + secret), new EnvVar("TOKEN", secret + "-later-wins")),
                null, null, null, null, null, null, null, null);

        assertThatThrownBy(() -> ctr().start(spec)).isInstanceOfSatisfying(CommandException.class, e -> {
            assertThat(e.getMessage()).contains("ctr --address", "--env PEM=… ", "failed to create shim task")
                    .doesNotContain(secret);
            assertThat(String.join(" ", e.argv())).doesNotContain(secret);
        });
        FakeCommandRunner.Call run = runner.calls().stream().filter(c -> c.argv().contains("run")).findFirst()
                .orElseThrow();
        assertThat(run.envFileLines()).containsExactly("TOKEN=" + secret + "-later-wins");
        assertThat(run.argv()).filteredOn(a -> a.contains(secret)).containsExactly("PEM=a\n" + secret);
        assertThat(Path.of(run.argv().get(run.argv().indexOf("--env-file") + 1))).doesNotExist();
    }

    @Test
    void aCommandReplacesTheImageDefaultsAndArgsFollowIt() {
        busyboxIsPresent();
        noContainers();
        List<String> argv = run();
        argv.addAll(ourLabels("c1"));
        argv.addAll(List.of(BUSYBOX, NEW_ID, "sh", "-c", "echo $0", "x", "y z"));
        expectRun(argv);

        ctr().start(spec(List.of("sh", "-c", "echo $0"), List.of("x", "y z")));
    }

    @Test
    void argsAloneFollowTheImagesEntrypointReadFromItsConfig() {
        String pause = "static-pod-agent.local/pause:1.0";
        String manifest = "sha256:99b2404388160c540dd8678d40ced2f7106cbf3d4b6067e8253d435d8d677a66";
        String config = "sha256:adbca28d107b40f6e0f61dd07ab2f438291c3e56dbb5a11e35ce4f7b81f66449";
        runner.expect(ctr("images", "ls", "name==\"" + pause + "\"")).succeeds(
                "REF TYPE DIGEST SIZE PLATFORMS LABELS\n" + pause
                        + " application/vnd.docker.distribution.manifest.v2+json " + manifest
                        + " 681.3 KiB linux/amd64 -\n");
        runner.expect(ctr("content", "get", manifest)).succeeds("{\"schemaVersion\":2,\"mediaType\":"
                + "\"application/vnd.docker.distribution.manifest.v2+json\",\"config\":{\"mediaType\":"
                + "\"application/vnd.docker.container.image.v1+json\",\"digest\":\"" + config + "\",\"size\":901}}");
        runner.expect(ctr("content", "get", config)).succeeds(resource("containerd/config-pause.json"));
        noContainers();
        List<String> argv = run("--label", "static-pod-agent.ctr/image=" + pause,
                "--label", "static-pod-agent.ctr/image-id=" + config,
                "--label", "static-pod-agent.ctr/log-path=" + dir.resolve("logs").resolve(NEW_ID + ".log"),
                "--label", "static-pod-agent.ctr/name=c1", pause, NEW_ID, "/pause", "sh");
        expectRun(argv);

        ctr().start(new LaunchSpec("c1", pause, null, List.of("sh"), null, null, null, null, null, null, null,
                null, null));
    }

    @Test
    void argsAloneOnAnImageWithoutEntrypointAreTheWholeCommand() {
        busyboxIsPresent();
        noContainers();
        List<String> argv = run();
        argv.addAll(ourLabels("c1"));
        argv.addAll(List.of(BUSYBOX, NEW_ID, "sh", "-c", "exit 3"));
        expectRun(argv);

        ctr().start(spec(null, List.of("sh", "-c", "exit 3")));
    }

    @Test
    void joiningASandboxUsesItsTasksNamespacesAndHostNetworkTheNodes() {
        busyboxIsPresent();
        noContainers();
        runner.expect(ctr("tasks", "ls")).succeeds(resource("containerd/tasks-ls.txt"));
        runner.expect(ctr("tasks", "ls")).succeeds(resource("containerd/tasks-ls.txt"));
        List<String> argv = run();
        argv.addAll(ourLabels("c1"));
        argv.addAll(List.of("--with-ns", "network:/proc/5390/ns/net", "--with-ns", "uts:/proc/5390/ns/uts",
                "--with-ns", "ipc:/proc/5390/ns/ipc", BUSYBOX, NEW_ID));
        expectRun(argv);
        busyboxIsPresentAgainFromCache();
        noContainers();
        List<String> host = run();
        host.addAll(ourLabels("c2"));
        host.addAll(List.of("--net-host", "--with-ns", "uts:/proc/self/ns/uts", "--with-ns", "ipc:/proc/self/ns/ipc",
                BUSYBOX, NEW_ID));
        expectRun(host);
        CtrRuntime ctr = ctr();

        ctr.start(new LaunchSpec("c1", BUSYBOX, null, null, null, null, null, null, null,
                Namespace.container(RUNNING), Namespace.container(RUNNING), "ignored", null));
        ctr.start(new LaunchSpec("c2", BUSYBOX, null, null, null, null, null, null, null,
                Namespace.host(), Namespace.host(), "node", null));
    }

    void busyboxIsPresentAgainFromCache() {
        runner.expect(ctr("images", "ls", "name==\"" + BUSYBOX + "\"")).succeeds(resource("containerd/images-ls-busybox.txt"));
    }

    @Test
    void joiningTheNetworkOfAStoppedContainerFailsAsDockerSays() {
        busyboxIsPresent();
        noContainers();
        runner.expect(ctr("tasks", "ls")).succeeds(resource("containerd/tasks-ls.txt"));

        assertThatThrownBy(() -> ctr().start(new LaunchSpec("c1", BUSYBOX, null, null, null, null, null, null, null,
                Namespace.container(EXITED), null, null, null)))
                .hasMessage("cannot join network of a non running container: " + EXITED);
    }

    @Test
    void startingAMissingImageSaysNoSuchImageWithoutPulling() {
        runner.expect(ctr("images", "ls", "name==\"docker.io/library/busybox:latest\""))
                .succeeds(resource("containerd/images-ls-empty.txt"));

        assertThatThrownBy(() -> ctr().start(new LaunchSpec("c1", "busybox", null, null, null, null, null, null, null,
                null, null, null, null)))
                .hasMessageContaining("No such image: busybox").hasMessageContaining("docker.io/library/busybox:latest");
    }

    @Test
    void aLeftoverWithTheSameNameIsRemovedBeforeTheStart() {
        busyboxIsPresent();
        runner.expect(ctr("containers", "ls", "-q")).succeeds(RUNNING + "\n");
        runner.expect(ctr("tasks", "ls")).succeeds(resource("containerd/tasks-ls.txt"));
        runner.expect(ctr("containers", "info", RUNNING)).succeeds(resource("containerd/info-running.json"));
        runner.expect(ctr("containers", "info", RUNNING)).succeeds(resource("containerd/info-running.json"));
        runner.expect(ctr("tasks", "delete", "--force", RUNNING)).succeeds("");
        runner.expect(ctr("containers", "delete", RUNNING)).succeeds("");
        List<String> argv = run();
        argv.addAll(ourLabels("k8s_app_web-n1_default_uid_0"));
        argv.addAll(List.of(BUSYBOX, NEW_ID));
        expectRun(argv);

        ctr().start(new LaunchSpec("k8s_app_web-n1_default_uid_0", BUSYBOX, null, null, null, null, null, null, null,
                null, null, null, null));
    }

    @Test
    void aFailedStartRecordsTheErrorOnTheContainerItLeftBehind() {
        busyboxIsPresent();
        noContainers();
        List<String> argv = run();
        argv.addAll(ourLabels("c1"));
        argv.addAll(List.of(BUSYBOX, NEW_ID, "/nonexistent"));
        String stderr = resource("containerd/run-nonexistent.stderr");
        runner.expect(argv.toArray(String[]::new)).fails(1, stderr);
        runner.expect(ctr("containers", "info", NEW_ID)).succeeds(resource("containerd/info-failed.json"));
        runner.expect(ctr("containers", "label", NEW_ID, "static-pod-agent.ctr/error=" + stderr.strip()))
                .succeeds("");

        assertThatThrownBy(() -> ctr().start(spec(List.of("/nonexistent"), null)))
                .isInstanceOf(CommandException.class)
                .hasMessageContaining("exec: \"/nonexistent\": stat /nonexistent: no such file or directory");
    }

    @Test
    void inspectShowsARunningContainerWithOurNameImageAndOnlyTheCallersLabels() {
        runner.expect(ctr("containers", "info", RUNNING)).succeeds(resource("containerd/info-running.json"));
        runner.expect(ctr("tasks", "ls")).succeeds(resource("containerd/tasks-ls.txt"));

        ContainerInfo info = ctr().inspect(RUNNING).orElseThrow();

        assertThat(info.id()).isEqualTo(RUNNING);
        assertThat(info.name()).isEqualTo("k8s_app_web-n1_default_uid_0");
        assertThat(info.image()).isEqualTo(BUSYBOX);
        assertThat(info.imageId()).isEqualTo(BUSYBOX_ID);
        assertThat(info.state()).isEqualTo(ContainerInfo.State.RUNNING);
        assertThat(info.labels()).containsOnly(Map.entry("io.kubernetes.pod.name", "web-n1"),
                Map.entry("io.kubernetes.container.name", "app"));
        assertThat(info.createdAt()).isEqualTo(Instant.parse("2026-11-29T20:26:15.429100256Z"));
        assertThat(info.startedAt()).isEqualTo(info.createdAt());
        assertThat(info.finishedAt()).isNull();
        assertThat(info.ipAddress()).isNull();
        assertThat(info.error()).isNull();
    }

    @Test
    void inspectRecordsTheExactExitStatusOfAStoppedTaskWhenItDeletesIt() {
        runner.expect(ctr("containers", "info", EXITED)).succeeds(resource("containerd/info-exited-3-before-recording.json"));
        runner.expect(ctr("tasks", "ls")).succeeds(resource("containerd/tasks-ls.txt"));
        runner.expect(ctr("tasks", "delete", EXITED)).returns(0, "", resource("containerd/tasks-delete-exit-3.stderr"));
        runner.expect(ctr("containers", "label", EXITED, "static-pod-agent.ctr/exit-code=3",
                "static-pod-agent.ctr/finished-at=" + NOW)).succeeds("");
        runner.expect(ctr("containers", "info", EXITED)).succeeds(resource("containerd/info-exited-3.json"));

        ContainerInfo info = ctr().inspect(EXITED).orElseThrow();

        assertThat(info.state()).isEqualTo(ContainerInfo.State.EXITED);
        assertThat(info.exitCode()).isEqualTo(3);
        assertThat(info.oomKilled()).isFalse();
        assertThat(info.finishedAt()).isEqualTo(Instant.parse("2026-11-29T20:30:00.123456Z"));
        assertThat(info.labels()).doesNotContainKeys("static-pod-agent.ctr/exit-code", "static-pod-agent.ctr/stop-signal");
    }

    @Test
    void exitStatusZeroIsRecordedAsZeroAndAnOomKillFromTheCgroup() throws Exception {
        Path cgroup = Files.createDirectories(dir.resolve("cgroup/memory/spa").resolve(EXITED));
        Files.writeString(cgroup.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
        runner.expect(ctr("containers", "info", EXITED)).succeeds(resource("containerd/info-exited-3-before-recording.json"));
        runner.expect(ctr("tasks", "ls")).succeeds(resource("containerd/tasks-ls.txt"));
        runner.expect(ctr("tasks", "delete", EXITED)).succeeds("");
        runner.expect(ctr("containers", "label", EXITED, "static-pod-agent.ctr/exit-code=0",
                "static-pod-agent.ctr/finished-at=" + NOW, "static-pod-agent.ctr/oom-killed=true")).succeeds("");
        runner.expect(ctr("containers", "info", EXITED)).succeeds(resource("containerd/info-exited-3.json")
                .replace("\"static-pod-agent.ctr/exit-code\": \"3\"", "\"static-pod-agent.ctr/exit-code\": \"0\", "
                        + "\"static-pod-agent.ctr/oom-killed\": \"true\""));

        ContainerInfo info = ctr().inspect(EXITED).orElseThrow();

        assertThat(info.exitCode()).isZero();
        assertThat(info.oomKilled()).isTrue();
    }

    @Test
    void aTaskDeletedByAnotherInstanceMeanwhileIsReadBackFromItsLabels() {
        runner.expect(ctr("containers", "info", EXITED)).succeeds(resource("containerd/info-exited-3-before-recording.json"));
        runner.expect(ctr("tasks", "ls")).succeeds(resource("containerd/tasks-ls.txt"));
        runner.expect(ctr("tasks", "delete", EXITED)).fails(1, resource("containerd/tasks-kill-no-task.stderr"));
        runner.expect(ctr("containers", "info", EXITED)).succeeds(resource("containerd/info-exited-3.json"));

        assertThat(ctr().inspect(EXITED).orElseThrow().exitCode()).isEqualTo(3);
    }

    @Test
    void inspectOfAFailedStartShowsACreatedContainerWithTheError() {
        runner.expect(ctr("containers", "info", FAILED)).succeeds(resource("containerd/info-failed.json"));
        runner.expect(ctr("tasks", "ls")).succeeds(resource("containerd/tasks-ls.txt"));

        ContainerInfo info = ctr().inspect(FAILED).orElseThrow();

        assertThat(info.state()).isEqualTo(ContainerInfo.State.CREATED);
        assertThat(info.startedAt()).isNull();
        assertThat(info.error()).contains("exec: \"/nonexistent\": stat /nonexistent: no such file or directory");
    }

    @Test
    void aContainerWhoseTaskVanishedUnrecordedIsExitedWith255() {
        runner.expect(ctr("containers", "info", RUNNING)).succeeds(resource("containerd/info-running.json"));
        runner.expect(ctr("tasks", "ls")).succeeds(tasks());

        ContainerInfo info = ctr().inspect(RUNNING).orElseThrow();

        assertThat(info.state()).isEqualTo(ContainerInfo.State.EXITED);
        assertThat(info.exitCode()).isEqualTo(255);
        assertThat(info.error()).contains("never recorded");
    }

    @Test
    void inspectOfAMissingContainerIsEmpty() {
        runner.expect(ctr("containers", "info", "nothere")).fails(1, resource("containerd/info-missing.stderr"));

        assertThat(ctr().inspect("nothere")).isEmpty();
    }

    @Test
    void listFiltersByLabelsNewestFirstAndReadsEachContainerOnlyOnce() {
        runner.expect(ctr("containers", "ls", "-q")).succeeds(resource("containerd/containers-ls-q.txt"));
        runner.expect(ctr("tasks", "ls")).succeeds(resource("containerd/tasks-ls.txt"));
        runner.expect(ctr("containers", "info", RUNNING)).succeeds(resource("containerd/info-running.json"));
        runner.expect(ctr("containers", "info", FAILED)).succeeds(resource("containerd/info-failed.json"));
        runner.expect(ctr("containers", "info", EXITED)).succeeds(resource("containerd/info-exited-3-before-recording.json"));
        runner.expect(ctr("tasks", "delete", EXITED)).returns(0, "", resource("containerd/tasks-delete-exit-3.stderr"));
        runner.expect(ctr("containers", "label", EXITED, "static-pod-agent.ctr/exit-code=3",
                "static-pod-agent.ctr/finished-at=" + NOW)).succeeds("");
        runner.expect(ctr("containers", "info", EXITED)).succeeds(resource("containerd/info-exited-3.json"));
        // the second list: nothing changed, so no container is read again
        runner.expect(ctr("containers", "ls", "-q")).succeeds(resource("containerd/containers-ls-q.txt"));
        runner.expect(ctr("tasks", "ls")).succeeds(tasks(RUNNING + "    5390    RUNNING"));
        CtrRuntime ctr = ctr();

        List<ContainerInfo> all = ctr.list(Map.of("io.kubernetes.pod.name", "web-n1"));
        List<ContainerInfo> again = ctr.list(Map.of("io.kubernetes.pod.name", "web-n1"));

        assertThat(all).extracting(ContainerInfo::id).containsExactly(FAILED, EXITED, RUNNING);
        assertThat(all).extracting(ContainerInfo::state).containsExactly(ContainerInfo.State.CREATED,
                ContainerInfo.State.EXITED, ContainerInfo.State.RUNNING);
        assertThat(again).isEqualTo(all);
    }

    @Test
    void listByALabelNoContainerHasIsEmpty() {
        runner.expect(ctr("containers", "ls", "-q")).succeeds(RUNNING + "\n");
        runner.expect(ctr("tasks", "ls")).succeeds(resource("containerd/tasks-ls.txt"));
        runner.expect(ctr("containers", "info", RUNNING)).succeeds(resource("containerd/info-running.json"));

        assertThat(ctr().list(Map.of("io.kubernetes.pod.name", "other"))).isEmpty();
    }

    @Test
    void stopSendsTheStopSignalAndKillsOnceTheGraceIsOver() {
        runner.expect(ctr("containers", "info", RUNNING)).succeeds(resource("containerd/info-running.json"));
        String running = resource("containerd/tasks-ls.txt");
        runner.expect(ctr("tasks", "ls")).succeeds(running);
        runner.expect(ctr("tasks", "kill", "--signal", "SIGTERM", RUNNING)).succeeds("");
        for (int i = 0; i < 3; i++) { // at 0, 100 and 200 ms
            runner.expect(ctr("tasks", "ls")).succeeds(running);
        }
        runner.expect(ctr("tasks", "kill", "--signal", "SIGKILL", RUNNING)).succeeds("");
        runner.expect(ctr("tasks", "ls")).succeeds(resource("containerd/tasks-ls-stopped.txt"));
        runner.expect(ctr("tasks", "delete", RUNNING)).returns(0, "", resource("containerd/tasks-delete-exit-137.stderr"));
        runner.expect(ctr("containers", "label", RUNNING, "static-pod-agent.ctr/exit-code=137",
                "static-pod-agent.ctr/finished-at=" + NOW.plusMillis(200))).succeeds("");

        ctr().stop(RUNNING, Duration.ofMillis(200));

        assertThat(sleeps).containsExactly(CtrRuntime.POLL, CtrRuntime.POLL);
    }

    @Test
    void stopUsesTheAskedStopSignalAndNeedsNoKillWhenTheProcessEnds() {
        runner.expect(ctr("containers", "info", EXITED)).succeeds(resource("containerd/info-exited-3-before-recording.json"));
        runner.expect(ctr("tasks", "ls")).succeeds(tasks(EXITED + "    5531    RUNNING"));
        runner.expect(ctr("tasks", "kill", "--signal", "SIGQUIT", EXITED)).succeeds("");
        runner.expect(ctr("tasks", "ls")).succeeds(resource("containerd/tasks-ls.txt"));
        runner.expect(ctr("tasks", "delete", EXITED)).returns(0, "", resource("containerd/tasks-delete-exit-3.stderr"));
        runner.expect(ctr("containers", "label", EXITED, "static-pod-agent.ctr/exit-code=3",
                "static-pod-agent.ctr/finished-at=" + NOW)).succeeds("");

        ctr().stop(EXITED, Duration.ofSeconds(30));

        assertThat(sleeps).isEmpty();
    }

    @Test
    void stopOfAMissingOrAlreadyRecordedContainerDoesNothing() {
        runner.expect(ctr("containers", "info", "nothere")).fails(1, resource("containerd/info-missing.stderr"));
        runner.expect(ctr("containers", "info", EXITED)).succeeds(resource("containerd/info-exited-3.json"));
        runner.expect(ctr("tasks", "ls")).succeeds(tasks(RUNNING + "    5390    RUNNING"));
        CtrRuntime ctr = ctr();

        ctr.stop("nothere", Duration.ofSeconds(1));
        ctr.stop(EXITED, Duration.ofSeconds(1));
    }

    @Test
    void aKillOfAProcessThatJustEndedIsFine() {
        runner.expect(ctr("containers", "info", RUNNING)).succeeds(resource("containerd/info-running.json"));
        runner.expect(ctr("tasks", "ls")).succeeds(resource("containerd/tasks-ls.txt"));
        runner.expect(ctr("tasks", "kill", "--signal", "SIGTERM", RUNNING))
                .fails(1, resource("containerd/tasks-kill-finished.stderr"));
        runner.expect(ctr("tasks", "ls")).succeeds(resource("containerd/tasks-ls-stopped.txt"));
        runner.expect(ctr("tasks", "delete", RUNNING)).succeeds("");
        runner.expect(ctr("containers", "label", RUNNING, "static-pod-agent.ctr/exit-code=0",
                "static-pod-agent.ctr/finished-at=" + NOW)).succeeds("");

        ctr().stop(RUNNING, Duration.ofSeconds(10));
    }

    @Test
    void removeDeletesTheTaskTheContainerWithItsSnapshotAndTheLog() throws Exception {
        Path log = Files.createDirectories(dir.resolve("logs")).resolve(RUNNING + ".log");
        Files.writeString(log, "hello\n");
        runner.expect(ctr("containers", "info", RUNNING)).succeeds(resource("containerd/info-running.json")
                .replace("/var/log/static-pod-agent/containers/", dir.resolve("logs") + "/"));
        runner.expect(ctr("tasks", "delete", "--force", RUNNING)).succeeds("");
        runner.expect(ctr("containers", "delete", RUNNING)).succeeds("");

        ctr().remove(RUNNING);

        assertThat(log).doesNotExist();
    }

    @Test
    void removeOfAContainerWithoutTaskOrOfAMissingOneIsFine() {
        runner.expect(ctr("containers", "info", FAILED)).succeeds(resource("containerd/info-failed.json"));
        runner.expect(ctr("tasks", "delete", "--force", FAILED)).fails(1, resource("containerd/tasks-delete-no-task.stderr"));
        runner.expect(ctr("containers", "delete", FAILED)).succeeds("");
        runner.expect(ctr("containers", "info", "nothere")).fails(1, resource("containerd/info-missing.stderr"));
        CtrRuntime ctr = ctr();

        ctr.remove(FAILED);
        ctr.remove("nothere");
    }

    @Test
    void removeFailsOnAnyOtherError() {
        runner.expect(ctr("containers", "info", RUNNING)).succeeds(resource("containerd/info-running.json"));
        runner.expect(ctr("tasks", "delete", "--force", RUNNING)).fails(1, "ctr: connection error: desc = \"transport\"\n");

        assertThatThrownBy(() -> ctr().remove(RUNNING))
                .isInstanceOf(io.staticpod.runtime.spi.RuntimeError.Unavailable.class)
                .hasMessageContaining("connection error");
    }

    @Test
    void alwaysPullsAndFallsBackToTheLocalImageWithAWarning() {
        runner.expect(ctr("images", "pull", BUSYBOX)).fails(1, resource("containerd/images-pull-no-registry.stderr"));
        busyboxIsPresent();

        ImageResult result = ctr().ensureImage(BUSYBOX, PullPolicy.ALWAYS);

        assertThat(result.pulled()).isFalse();
        assertThat(result.imageId()).isEqualTo(BUSYBOX_ID);
        assertThat(result.pullWarning()).contains("images pull " + BUSYBOX).contains("no such host");
        assertThat(runner.calls().get(0).timeout()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void shortNamesAreNormalisedBeforeContainerdSeesThem() {
        runner.expect(ctr("images", "ls", "name==\"docker.io/library/busybox:latest\""))
                .succeeds(resource("containerd/images-ls-empty.txt"));
        runner.expect(ctr("images", "pull", "docker.io/library/busybox:latest"))
                .fails(1, "ctr: failed to resolve reference \"docker.io/library/busybox:latest\": no such host\n");

        assertThatThrownBy(() -> ctr().ensureImage("busybox", PullPolicy.IF_NOT_PRESENT))
                .hasMessageContaining("image busybox not present").hasMessageContaining("no such host");
    }

    @Test
    void neverFailsForAMissingImageNamingThePolicy() {
        runner.expect(ctr("images", "ls", "name==\"static-pod-agent.local/not-there:0\""))
                .succeeds(resource("containerd/images-ls-empty.txt"));

        assertThatThrownBy(() -> ctr().ensureImage("static-pod-agent.local/not-there:0", PullPolicy.NEVER))
                .hasMessageContaining("static-pod-agent.local/not-there:0").hasMessageContaining("Never");
    }

    @Test
    void endpointsAreUnixSocketsWithOrWithoutScheme() {
        assertThat(CtrRuntime.socketPath("unix:///run/containerd/containerd.sock")).isEqualTo("/run/containerd/containerd.sock");
        assertThat(CtrRuntime.socketPath("/run/x.sock")).isEqualTo("/run/x.sock");
        assertThatThrownBy(() -> CtrRuntime.socketPath("tcp://1.2.3.4:1")).hasMessageContaining("not a unix socket");
    }
}
