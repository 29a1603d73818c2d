package io.staticpod.runtime.ctr;

import io.staticpod.runtime.exec.FakeCommandRunner;
import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.ContainerSecurity;
import io.staticpod.runtime.spi.ContainerState;
import io.staticpod.runtime.spi.ContainerStatus;
import io.staticpod.runtime.spi.ContainerSummary;
import io.staticpod.runtime.spi.EnvVar;
import io.staticpod.runtime.spi.Mount;
import io.staticpod.runtime.spi.NamespaceMode;
import io.staticpod.runtime.spi.NamespaceOptions;
import io.staticpod.runtime.spi.Resources;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.Seccomp;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Containers through ctr against a scripted runner: exact argv, real saved containerd 1.6.20 output. */
class CtrContainersTest extends CtrFixture {

    static final String LEFTOVERS = filter("kind", "container", "sandbox-id", SANDBOX, "name", "app", "attempt", "0");


    List<String> ourLabels(String name, String id, String... more) {
        List<String> labels = new java.util.ArrayList<>(List.of("--label", "static-pod-agent.ctr/attempt=0"));
        labels.addAll(List.of(more));
        labels.addAll(List.of("--label", "static-pod-agent.ctr/image=" + BUSYBOX,
                "--label", "static-pod-agent.ctr/image-id=" + BUSYBOX_ID, "--label", "static-pod-agent.ctr/kind=container",
                "--label", "static-pod-agent.ctr/log-format=cri", "--label", "static-pod-agent.ctr/log-path=" + logs.resolve(id + ".log"),
                "--label", "static-pod-agent.ctr/name=" + name, "--label", "static-pod-agent.ctr/sandbox-id=" + SANDBOX));
        return labels;
    }

    String sandboxFile(String name) {
        return files.resolve(SANDBOX).resolve(name).toString();
    }

    @Test
    void aContainerJoinsItsSandboxWithItsEnvironmentInAPrivateFileAndEverythingElseAsFlags() throws Exception {
        Files.createDirectories(files.resolve(SANDBOX));
        Files.writeString(files.resolve(SANDBOX).resolve("hosts"), SandboxFiles.LOCALHOST);
        Files.writeString(files.resolve(SANDBOX).resolve("resolv.conf"), "nameserver 10.0.0.10\n");
        Path data = dir.resolve("created-like-docker-does");
        sandboxRunning();
        imagePresent(BUSYBOX, BUSYBOX_MANIFEST, BUSYBOX_ID, "busybox");
        expect(ctr("containers", "ls", "-q", LEFTOVERS), "");
        List<String> create = argv("containers", "create", "--label", "smoke=ctrport",
                "--label", "static-pod-agent.ctr/annotation/a/b=c");
        create.addAll(ourLabels("app", APP, "--label", "static-pod-agent.ctr/cpu-shares=256"));
        create.addAll(List.of("--env-file", FakeCommandRunner.ENV_FILE, "--cwd", "/work",
                "--mount", "type=tmpfs,src=tmpfs,dst=/cache,options=nosuid:nodev:size=1048576",
                "--mount", "type=bind,src=" + data + ",dst=/data,options=rbind:ro",
                "--mount", "type=bind,src=" + sandboxFile("hosts") + ",dst=/etc/hosts,options=rbind:ro",
                "--mount", "type=bind,src=" + sandboxFile("resolv.conf") + ",dst=/etc/resolv.conf,options=rbind:ro",
                "--mount", "type=cgroup,src=cgroup,dst=/sys/fs/cgroup,options=ro:nosuid:noexec:nodev",
                "--with-ns", "network:/proc/22631/ns/net", "--with-ns", "uts:/proc/22631/ns/uts",
                "--with-ns", "ipc:/proc/22631/ns/ipc", "--with-ns", "pid:/proc/22631/ns/pid",
                "--cap-add", "CAP_NET_ADMIN"));
        CtrFlags.DEFAULT_CAPABILITIES.forEach(c -> create.addAll(List.of("--cap-drop", c)));
        create.addAll(List.of("--read-only=true", "--seccomp=true",
                "--cpu-quota", "50000", "--cpu-period", "100000", "--memory-limit", "67108864",
                "--", BUSYBOX, APP, "sh", "-c", "echo $0", "x"));
        runner.expect(create.toArray(String[]::new)).succeeds("");
        ids.add(APP);
        ContainerConfig config = ContainerConfig.builder("app", 0, BUSYBOX)
                .command(List.of("sh", "-c", "echo $0")).args(List.of("x")).workingDir("/work")
                .env(List.of(new EnvVar("Z", "1"), new EnvVar("A", "x y =\"'$x"), new EnvVar("Z", "later wins")))
                .mounts(List.of(Mount.tmpfs("/cache", 1 << 20), Mount.bind(data.toString(), "/data", true)))
                .labels(Map.of("smoke", "ctrport")).annotations(Map.of("a/b", "c"))
                .resources(new Resources(256, 50_000, 0, 64L << 20, 0))
                .security(new ContainerSecurity(false, null, null, null, List.of("NET_ADMIN"), List.of("ALL"), true,
                        true, Seccomp.RUNTIME_DEFAULT, NamespaceMode.POD))
                .build();

        assertThat(runtime().containers().create(SANDBOX, config, podSandbox())).isEqualTo(APP);
        assertThat(data).isDirectory();
        FakeCommandRunner.Call call = runner.calls().stream().filter(c -> c.argv().contains("create"))
                .findFirst().orElseThrow();
        assertThat(call.envFileLines()).containsExactly("A=x y =\"'$x", "Z=later wins");
        assertThat(String.join(" ", call.argv())).doesNotContain("later wins");
    }

    @Test
    void aHostNetworkContainerHasTheNodesNetworkUtsAndHostsAndTheImagesDefaultsWithoutArgs() {
        sandboxRunning();
        imagePresent(BUSYBOX, BUSYBOX_MANIFEST, BUSYBOX_ID, "busybox");
        expect(ctr("containers", "ls", "-q", LEFTOVERS), "");
        List<String> create = argv("containers", "create");
        create.addAll(ourLabels("app", APP));
        create.addAll(List.of("--mount", "type=bind,src=" + dir.resolve("node-hosts") + ",dst=/etc/hosts,options=rbind:ro",
                "--mount", "type=cgroup,src=cgroup,dst=/sys/fs/cgroup,options=ro:nosuid:noexec:nodev",
                "--net-host=true", "--with-ns", "uts:/proc/self/ns/uts", "--with-ns", "ipc:/proc/self/ns/ipc",
                "--with-ns", "pid:/proc/self/ns/pid", "--allow-new-privs=true", "--", BUSYBOX, APP));
        runner.expect(create.toArray(String[]::new)).succeeds("");
        ids.add(APP);
        SandboxConfig host = new SandboxConfig(podSandbox().metadata(), null, null, null, null, null, null,
                new NamespaceOptions(NamespaceMode.NODE, NamespaceMode.NODE, NamespaceMode.NODE), null, false);
        ContainerConfig config = ContainerConfig.builder("app", 0, BUSYBOX).security(new ContainerSecurity(false,
                null, null, null, null, null, false, false, null, NamespaceMode.NODE)).build();

        runtime().containers().create(SANDBOX, config, host);
    }

    @Test
    void aValueThatCtrCouldOnlyTakeOnItsCommandLineIsRefusedNamingTheVariableNotItsValue() {
        for (String value : List.of("-----BEGIN-----\ns3cr3t", "s3cr3t\r")) {
            ContainerConfig config = ContainerConfig.builder("app", 0, BUSYBOX)
                    .env(List.of(new EnvVar("OK", "fine"), new EnvVar("PEM", value))).build();

            assertThatThrownBy(() -> runtime().containers().create(SANDBOX, config, podSandbox()))
                    .isInstanceOf(RuntimeError.Refused.class)
                    .hasMessageContaining("environment variable PEM of container app")
                    .hasMessageNotContaining("s3cr3t").hasMessageNotContaining("fine");
        }
        assertThat(runner.calls()).isEmpty();
    }

    @Test
    void labelsThatContainerdCannotKeepAreRefusedBeforeAnythingIsDone() {
        ContainerConfig ours = ContainerConfig.builder("app", 0, BUSYBOX)
                .labels(Map.of("static-pod-agent.ctr/name", "x")).build();
        ContainerConfig tooLong = ContainerConfig.builder("app", 0, BUSYBOX)
                .annotations(Map.of("big", "x".repeat(5000))).build();

        assertThatThrownBy(() -> runtime().containers().create(SANDBOX, ours, podSandbox()))
                .isInstanceOf(RuntimeError.Refused.class).hasMessageContaining("label static-pod-agent.ctr/name");
        assertThatThrownBy(() -> runtime().containers().create(SANDBOX, tooLong, podSandbox()))
                .isInstanceOf(RuntimeError.Refused.class).hasMessageContaining("annotation big")
                .hasMessageContaining("4096 bytes");
        assertThat(runner.calls()).isEmpty();
    }

    @Test
    void aMissingSandboxIsNotFoundAndOneWhosePauseEndedIsRefused() {
        runner.expect(ctr("containers", "info", SANDBOX))
                .fails(1, "ctr: container \"" + SANDBOX + "\" in namespace \"spa\": not found\n");
        expect(ctr("containers", "info", SANDBOX), saved("info-sandbox-exited-137.json"));
        expect(ctr("tasks", "ls"), tasks());
        ContainerConfig config = ContainerConfig.builder("app", 0, BUSYBOX).build();
        CtrPodRuntime runtime = runtime();

        assertThatThrownBy(() -> runtime.containers().create(SANDBOX, config, podSandbox()))
                .isInstanceOf(RuntimeError.NotFound.class).hasMessageContaining("sandbox " + SANDBOX);
        assertThatThrownBy(() -> runtime.containers().create(SANDBOX, config, podSandbox()))
                .isInstanceOf(RuntimeError.Refused.class).hasMessageContaining("is not ready");
    }

    @Test
    void aMissingImageIsImageUnavailableAndIsNotPulled() {
        sandboxRunning();
        expect(ctr("images", "ls", "name==\"docker.io/library/busybox:latest\""), "REF TYPE DIGEST\n");

        assertThatThrownBy(() -> runtime().containers().create(SANDBOX,
                ContainerConfig.builder("app", 0, "busybox").build(), podSandbox()))
                .isInstanceOf(RuntimeError.ImageUnavailable.class)
                .hasMessageContaining("busybox (docker.io/library/busybox:latest) is not in containerd namespace spa");
    }

    @Test
    void aRunningContainerOfTheSameNameAndAttemptIsRefused() {
        sandboxRunning();
        imagePresent(BUSYBOX, BUSYBOX_MANIFEST, BUSYBOX_ID, "busybox");
        expect(ctr("containers", "ls", "-q", LEFTOVERS), APP + "\n");
        expect(ctr("containers", "info", APP), saved("info-app-started.json"));
        expect(ctr("tasks", "ls"), saved("tasks-ls-both-running.txt"));

        assertThatThrownBy(() -> runtime().containers().create(SANDBOX,
                ContainerConfig.builder("app", 0, BUSYBOX).build(), podSandbox()))
                .isInstanceOf(RuntimeError.Refused.class).hasMessageContaining("already runs");
    }

    @Test
    void startStartsTheTaskWithItsCriLoggerAndCpuSharesAlreadyInPlaceThenRecordsTheStart() throws Exception {
        Files.createDirectories(cgroup.resolve("cpu"));
        Files.writeString(cgroup.resolve("cpu/cpu.shares"), "1024\n"); // a cgroup v1 cpu hierarchy
        Path shares = cgroup.resolve("cpu/spa").resolve(APP).resolve("cpu.shares");
        expect(ctr("containers", "info", APP), saved("info-app-created.json").replace("\"static-pod-agent.ctr/log-path\"",
                "\"static-pod-agent.ctr/log-format\": \"cri\", \"static-pod-agent.ctr/log-path\""));
        expect(ctr("tasks", "start", "-d", "--log-uri", new CtrLoggers(perl).criUri(logs.resolve(APP + ".log")), APP),
                "");
        expect(ctr("containers", "label", APP, "static-pod-agent.ctr/started-at=" + NOW), "");
        List<String> sharesAtStart = new java.util.ArrayList<>();
        CtrPodRuntime runtime = runtime(FileLogReader.MONITOR, (argv, timeout) -> {
            if (argv.contains("start")) {
                sharesAtStart.add(Files.exists(shares) ? read(shares) : "none");
            }
            return runner.run(argv, timeout);
        });

        runtime.containers().start(APP);

        assertThat(sharesAtStart).containsExactly("256");
        assertThat(logs).isDirectory();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void onCgroupV2TheSharesAreWrittenAsAWeightOnceTheTaskRuns() throws Exception {
        Path weight = Files.createDirectories(cgroup.resolve("spa").resolve(APP)).resolve("cpu.weight");
        Files.writeString(weight, "100\n");
        expect(ctr("containers", "info", APP), saved("info-app-created.json"));
        expect(ctr("tasks", "start", "-d", "--log-uri", CtrFlags.logUri(logs.resolve(APP + ".log")), APP), "");
        expect(ctr("containers", "label", APP, "static-pod-agent.ctr/started-at=" + NOW), "");

        runtime().containers().start(APP);

        assertThat(weight).hasContent(Long.toString(CgroupCpu.weight(256)));
    }

    @Test
    void aTaskThatCannotStartLeavesTheContainerExitedWithStartErrorAndCtrsWords() {
        String stderr = saved("tasks-start-nonexistent.stderr");
        expect(ctr("containers", "info", BAD), saved("info-bad-created.json"));
        runner.expect(ctr("tasks", "start", "-d", "--log-uri", CtrFlags.logUri(logs.resolve(BAD + ".log")), BAD))
                .fails(1, stderr);
        expect(ctr("containers", "label", BAD, "static-pod-agent.ctr/error=" + stderr.strip(),
                "static-pod-agent.ctr/finished-at=" + NOW), "");
        expect(ctr("containers", "info", BAD), saved("info-bad-start-error.json"));
        expect(ctr("tasks", "ls"), tasks());
        CtrPodRuntime runtime = runtime();

        assertThatThrownBy(() -> runtime.containers().start(BAD)).isInstanceOf(RuntimeError.Refused.class)
                .hasMessageStartingWith("start container " + BAD).hasMessageContaining("/nonexistent");
        ContainerStatus status = runtime.containers().status(BAD).orElseThrow();
        assertThat(status.state()).isEqualTo(ContainerState.EXITED);
        assertThat(status.exitCode()).isEqualTo(128);
        assertThat(status.reason()).isEqualTo("StartError");
        assertThat(status.message()).contains("exec: \"/nonexistent\": stat /nonexistent: no such file or directory");
        assertThat(status.startedAt()).isNull();
        assertThat(status.finishedAt()).isEqualTo(Instant.parse("2026-12-06T18:25:33.034711769Z"));
    }

    @Test
    void aContainerThatHasRunIsNotStartedAgain() {
        expect(ctr("containers", "info", APP), saved("info-app-exited-0.json"));

        assertThatThrownBy(() -> runtime().containers().start(APP)).isInstanceOf(RuntimeError.Refused.class)
                .hasMessageContaining("has run already");
    }

    @Test
    void statusOfACreatedThenRunningContainerRoundTripsItsNameAttemptLabelsAndAnnotations() {
        expect(ctr("containers", "info", APP), saved("info-app-created.json"));
        expect(ctr("tasks", "ls"), saved("tasks-ls-sandbox.txt"));
        expect(ctr("containers", "info", APP), saved("info-app-started.json"));
        expect(ctr("tasks", "ls"), saved("tasks-ls-both-running.txt"));
        CtrPodRuntime runtime = runtime();

        ContainerStatus created = runtime.containers().status(APP).orElseThrow();
        ContainerStatus running = runtime.containers().status(APP).orElseThrow();

        assertThat(created.state()).isEqualTo(ContainerState.CREATED);
        assertThat(created.startedAt()).isNull();
        assertThat(running.state()).isEqualTo(ContainerState.RUNNING);
        assertThat(running.name()).isEqualTo("app");
        assertThat(running.attempt()).isZero();
        assertThat(running.image()).isEqualTo(BUSYBOX);
        assertThat(running.imageRef()).isEqualTo(BUSYBOX_ID);
        assertThat(running.labels()).containsExactly(Map.entry("smoke", "ctrport"));
        assertThat(running.annotations()).containsExactly(Map.entry("a/b", "c"));
        assertThat(running.createdAt()).isEqualTo(Instant.parse("2026-12-06T18:25:24.363815767Z"));
        assertThat(running.startedAt()).isEqualTo(Instant.parse("2026-12-06T18:25:26.236289726Z"));
        assertThat(running.finishedAt()).isNull();
        assertThat(running.logPath()).isNull();
    }

    @Test
    void statusRecordsTheExactExitOfAStoppedTaskAndAnOomKillFromTheMemoryCgroup() throws Exception {
        Path memory = Files.createDirectories(cgroup.resolve("memory/spa").resolve(APP));
        Files.writeString(memory.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
        expect(ctr("containers", "info", APP), saved("info-app-started.json"));
        expect(ctr("tasks", "ls"), tasks(APP + "    22886    STOPPED"));
        runner.expect(ctr("tasks", "delete", APP)).returns(0, "", saved("tasks-delete-exit-137.stderr")
                .replace(SANDBOX, APP));
        expect(ctr("containers", "label", APP, "static-pod-agent.ctr/exit-code=137",
                "static-pod-agent.ctr/finished-at=" + NOW, "static-pod-agent.ctr/oom-killed=true"), "");
        expect(ctr("containers", "info", APP), saved("info-app-exited-0.json")
                .replace("\"static-pod-agent.ctr/exit-code\": \"0\"",
                        "\"static-pod-agent.ctr/exit-code\": \"137\", \"static-pod-agent.ctr/oom-killed\": \"true\""));

        ContainerStatus status = runtime().containers().status(APP).orElseThrow();

        assertThat(status.state()).isEqualTo(ContainerState.EXITED);
        assertThat(status.exitCode()).isEqualTo(137);
        assertThat(status.reason()).isEqualTo("OOMKilled");
        assertThat(status.startedAt()).isEqualTo(Instant.parse("2026-12-06T18:25:26.236289726Z"));
    }

    @Test
    void anExitZeroIsCompletedAndATaskThatVanishedUnrecordedIsAnError() {
        expect(ctr("containers", "info", APP), saved("info-app-exited-0.json"));
        expect(ctr("tasks", "ls"), tasks());
        expect(ctr("containers", "info", APP), saved("info-app-started.json"));
        expect(ctr("tasks", "ls"), tasks());
        CtrPodRuntime runtime = runtime();

        ContainerStatus completed = runtime.containers().status(APP).orElseThrow();
        ContainerStatus vanished = runtime.containers().status(APP).orElseThrow();

        assertThat(completed.reason()).isEqualTo("Completed");
        assertThat(completed.exitCode()).isZero();
        assertThat(completed.finishedAt()).isEqualTo(Instant.parse("2026-12-06T18:25:29.825045933Z"));
        assertThat(vanished.state()).isEqualTo(ContainerState.EXITED);
        assertThat(vanished.exitCode()).isEqualTo(255);
        assertThat(vanished.message()).contains("never recorded");
    }

    @Test
    void stopSendsTheStopSignalThenSigkillOnceTheGraceIsOver() {
        expect(ctr("containers", "info", APP), saved("info-app-started.json"));
        String running = saved("tasks-ls-both-running.txt");
        expect(ctr("tasks", "ls"), running);
        expect(ctr("tasks", "kill", "--signal", "SIGTERM", APP), "");
        for (int i = 0; i < 3; i++) { // at 0, 100 and 200 ms
            expect(ctr("tasks", "ls"), running);
        }
        expect(ctr("tasks", "kill", "--signal", "SIGKILL", APP), "");
        expect(ctr("tasks", "ls"), tasks(APP + "    22886    STOPPED"));
        runner.expect(ctr("tasks", "delete", APP)).returns(0, "", saved("tasks-delete-exit-137.stderr"));
        expect(ctr("containers", "label", APP, "static-pod-agent.ctr/exit-code=137",
                "static-pod-agent.ctr/finished-at=" + NOW.plusMillis(200)), "");

        runtime().containers().stop(APP, Duration.ofMillis(200));

        assertThat(sleeps).containsExactly(CtrTasks.POLL, CtrTasks.POLL);
    }

    @Test
    void stopAndRemoveOfAMissingContainerAndStatusOfASandboxAreFine() {
        String missing = "ctr: container \"nothere\" in namespace \"spa\": not found\n";
        runner.expect(ctr("containers", "info", "nothere")).fails(1, missing);
        runner.expect(ctr("containers", "info", "nothere")).fails(1, missing);
        sandboxRunning();
        CtrPodRuntime runtime = runtime();

        runtime.containers().stop("nothere", Duration.ofSeconds(1));
        runtime.containers().remove("nothere");
        assertThat(runtime.containers().status(SANDBOX)).isEmpty();
    }

    @Test
    void listShowsOnlyContainersWithTheLabelsNewestFirstAndReadsEachOnlyOnce() {
        expect(ctr("containers", "ls", "-q"), SANDBOX + "\n" + APP + "\n" + BAD + "\n");
        expect(ctr("tasks", "ls"), saved("tasks-ls-both-running.txt"));
        expect(ctr("containers", "info", SANDBOX), saved("info-sandbox-running.json"));
        expect(ctr("containers", "info", APP), saved("info-app-started.json"));
        expect(ctr("containers", "info", BAD), saved("info-bad-start-error.json").replace("\"Labels\": {",
                "\"Labels\": {\"smoke\": \"ctrport\", "));
        for (int i = 0; i < 2; i++) {
            expect(ctr("containers", "ls", "-q"), SANDBOX + "\n" + APP + "\n" + BAD + "\n");
            expect(ctr("tasks", "ls"), saved("tasks-ls-both-running.txt"));
        }
        CtrPodRuntime runtime = runtime();

        List<ContainerSummary> all = runtime.containers().list(Map.of("smoke", "ctrport"));
        List<ContainerSummary> again = runtime.containers().list(Map.of("smoke", "ctrport"));

        assertThat(all).extracting(ContainerSummary::id).containsExactly(BAD, APP);
        assertThat(all).extracting(ContainerSummary::state).containsExactly(ContainerState.EXITED,
                ContainerState.RUNNING);
        assertThat(all.get(1).sandboxId()).isEqualTo(SANDBOX);
        assertThat(again).isEqualTo(all);
        assertThat(runtime.containers().list(Map.of("smoke", "other"))).isEmpty();
    }
}
