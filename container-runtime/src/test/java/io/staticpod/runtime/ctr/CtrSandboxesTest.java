package io.staticpod.runtime.ctr;

import io.staticpod.runtime.spi.DnsConfig;
import io.staticpod.runtime.spi.NamespaceMode;
import io.staticpod.runtime.spi.NamespaceOptions;
import io.staticpod.runtime.spi.PortMapping;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.SandboxMetadata;
import io.staticpod.runtime.spi.SandboxState;
import io.staticpod.runtime.spi.SandboxStatus;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Sandboxes through ctr against a scripted runner: exact argv, real saved containerd 1.6.20 output. */
class CtrSandboxesTest extends CtrFixture {

    static final String LEFTOVERS = filter("kind", "sandbox", "pod-uid", "uid-smoke", "pod-name", "web-n1",
            "pod-namespace", "default", "attempt", "0");


    /** {@code ctr run} of the pause container for {@link #podSandbox()} on {@code network}, then {@code rest}. */
    String[] runArgv(String network, String... rest) {
        return runArgvWithPid(null, network, rest);
    }

    /** The same, with ctr writing the pause pid for sandbox {@code pidOf} (to set its host name). */
    String[] runArgvWithPid(String pidOf, String network, String... rest) {
        List<String> argv = argv("run", "-d", "--null-io");
        if (pidOf != null) {
            argv.addAll(List.of("--pid-file", files.resolve(pidOf).resolve("pid").toString()));
        }
        argv.addAll(List.of("--label", "smoke=ctrport",
                "--label", "static-pod-agent.ctr/annotation/kubernetes.io/config.hash=abc",
                "--label", "static-pod-agent.ctr/attempt=0", "--label", "static-pod-agent.ctr/kind=sandbox",
                "--label", "static-pod-agent.ctr/network=" + network, "--label", "static-pod-agent.ctr/pod-name=web-n1",
                "--label", "static-pod-agent.ctr/pod-namespace=default", "--label", "static-pod-agent.ctr/pod-uid=uid-smoke"));
        argv.addAll(List.of(rest));
        return argv.toArray(String[]::new);
    }

    /** A runner that writes the pause pid where {@code ctr run --pid-file} says, then runs the scripted one. */
    io.staticpod.runtime.exec.CommandRunner writingPids() {
        return (argv, timeout) -> {
            int at = argv.indexOf("--pid-file");
            if (at > 0) {
                try {
                    Files.writeString(Path.of(argv.get(at + 1)), "22631\n");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return runner.run(argv, timeout);
        };
    }

    @Test
    void aSandboxIsAPauseContainerWhoseMetadataAndAnnotationsAreLabelsOfOurOwnAndWhoseHostnameIsSet()
            throws Exception {
        imagePresent(PAUSE, PAUSE_MANIFEST, PAUSE_ID, "pause");
        expect(ctr("containers", "ls", "-q", LEFTOVERS), "");
        runner.expect(runArgvWithPid(SANDBOX, "POD", "--", PAUSE, SANDBOX)).succeeds("");
        runner.expect("nsenter", "--target", "22631", "--uts", "--", "hostname", "--", "web").succeeds("");
        ids.add(SANDBOX);
        SandboxConfig config = new SandboxConfig(podSandbox().metadata(), "web", null,
                new DnsConfig(List.of("10.0.0.10"), List.of("svc.local"), List.of("ndots:5")), null,
                Map.of("smoke", "ctrport"), Map.of("kubernetes.io/config.hash", "abc"), null, null, false);

        assertThat(runtime(FileLogReader.MONITOR, writingPids()).sandboxes().run(config)).isEqualTo(SANDBOX);
        assertThat(files.resolve(SANDBOX).resolve("hosts")).hasContent(SandboxFiles.LOCALHOST.strip());
        assertThat(files.resolve(SANDBOX).resolve("resolv.conf"))
                .hasContent("nameserver 10.0.0.10\nsearch svc.local\noptions ndots:5");
    }

    @Test
    void aHostNetworkSandboxHasTheNodesNetworkUtsIpcAndPidAndTheNodesResolvConf() throws Exception {
        imagePresent(PAUSE, PAUSE_MANIFEST, PAUSE_ID, "pause");
        expect(ctr("containers", "ls", "-q", LEFTOVERS), "");
        runner.expect(runArgv("NODE", "--net-host", "--with-ns", "uts:/proc/self/ns/uts",
                "--with-ns", "ipc:/proc/self/ns/ipc", "--with-ns", "pid:/proc/self/ns/pid", "--", PAUSE, SANDBOX))
                .succeeds("");
        ids.add(SANDBOX);
        SandboxConfig config = new SandboxConfig(podSandbox().metadata(), "web", null, null,
                List.of(new PortMapping(PortMapping.Protocol.TCP, 80, 80, null)), Map.of("smoke", "ctrport"),
                Map.of("kubernetes.io/config.hash", "abc"),
                new NamespaceOptions(NamespaceMode.NODE, NamespaceMode.NODE, NamespaceMode.NODE), null, false);

        runtime().sandboxes().run(config);

        assertThat(files.resolve(SANDBOX).resolve("hosts")).doesNotExist();
        assertThat(files.resolve(SANDBOX).resolve("resolv.conf")).hasContent("nameserver 192.0.2.53");
    }

    @Test
    void aMissingSandboxImageIsImageUnavailableNamingTheSetting() {
        expect(ctr("images", "ls", "name==\"" + PAUSE + "\""), "REF TYPE DIGEST SIZE PLATFORMS LABELS\n");

        assertThatThrownBy(() -> runtime().sandboxes().run(podSandbox()))
                .isInstanceOf(RuntimeError.ImageUnavailable.class)
                .hasMessageContaining("sandbox of pod default/web-n1").hasMessageContaining(PAUSE)
                .hasMessageContaining("--pod-infra-container-image");
    }

    @Test
    void aLeftoverOfTheSamePodAndAttemptIsRemovedWithItsContainersFirstAndAHostnameThatCannotBeSetIsNoFailure() throws Exception {
        String next = "0".repeat(64);
        imagePresent(PAUSE, PAUSE_MANIFEST, PAUSE_ID, "pause");
        expect(ctr("containers", "ls", "-q", LEFTOVERS), SANDBOX + "\n");
        expect(ctr("containers", "ls", "-q"), saved("containers-ls-q-both.txt"));
        expect(ctr("tasks", "ls"), saved("tasks-ls-both-running.txt"));
        expect(ctr("containers", "info", APP), saved("info-app-started.json"));
        expect(ctr("containers", "info", SANDBOX), saved("info-sandbox-running.json"));
        expect(ctr("tasks", "delete", "--force", APP), "");
        expect(ctr("containers", "delete", APP), "");
        expect(ctr("tasks", "delete", "--force", SANDBOX), "");
        expect(ctr("containers", "delete", SANDBOX), "");
        runner.expect(runArgvWithPid(next, "POD", "--", PAUSE, next)).succeeds("");
        runner.expect("nsenter", "--target", "22631", "--uts", "--", "hostname", "--", "web").fails(1,
                "nsenter: cannot open /proc/22631/ns/uts: No such file or directory\n");
        ids.add(next);
        Files.createDirectories(files.resolve(SANDBOX));

        assertThat(runtime(FileLogReader.MONITOR, writingPids()).sandboxes().run(podSandbox())).isEqualTo(next);
        assertThat(files.resolve(SANDBOX)).doesNotExist();
    }

    @Test
    void aSandboxThatCannotRunIsRemovedAndItsErrorTyped() {
        imagePresent(PAUSE, PAUSE_MANIFEST, PAUSE_ID, "pause");
        expect(ctr("containers", "ls", "-q", LEFTOVERS), "");
        runner.expect(runArgvWithPid(SANDBOX, "POD", "--", PAUSE, SANDBOX)).fails(1, saved("tasks-start-nonexistent.stderr"));
        expect(ctr("containers", "ls", "-q"), SANDBOX + "\n");
        expect(ctr("tasks", "ls"), tasks());
        expect(ctr("containers", "info", SANDBOX), saved("info-sandbox-running.json"));
        expect(ctr("containers", "delete", SANDBOX), "");
        ids.add(SANDBOX);

        assertThatThrownBy(() -> runtime().sandboxes().run(podSandbox()))
                .isInstanceOf(RuntimeError.Refused.class).hasMessageStartingWith("run the sandbox of pod default/web-n1")
                .hasMessageContaining("no such file or directory");
        assertThat(files.resolve(SANDBOX)).doesNotExist();
    }

    @Test
    void statusGivesMetadataLabelsAnnotationsReadinessAndNoAddress() {
        sandboxRunning();

        SandboxStatus status = runtime().sandboxes().status(SANDBOX).orElseThrow();

        assertThat(status.sandbox().metadata()).isEqualTo(new SandboxMetadata("web-n1", "default", "uid-smoke", 0));
        assertThat(status.sandbox().state()).isEqualTo(SandboxState.READY);
        assertThat(status.sandbox().labels()).containsExactly(Map.entry("smoke", "ctrport"));
        assertThat(status.sandbox().annotations()).containsExactly(Map.entry("kubernetes.io/config.hash", "abc"));
        assertThat(status.sandbox().createdAt()).isEqualTo(Instant.parse("2026-12-06T18:25:21.024139534Z"));
        assertThat(status.ip()).isNull();
        assertThat(status.network()).isEqualTo(NamespaceMode.POD);
    }

    @Test
    void aSandboxWhosePauseExitedIsNotReadyOnceItsExitIsRecorded() {
        expect(ctr("containers", "info", SANDBOX), saved("info-sandbox-running.json"));
        expect(ctr("tasks", "ls"), tasks(SANDBOX + "    22631    STOPPED"));
        runner.expect(ctr("tasks", "delete", SANDBOX)).returns(0, "", saved("tasks-delete-exit-137.stderr"));
        expect(ctr("containers", "label", SANDBOX, "static-pod-agent.ctr/exit-code=137",
                "static-pod-agent.ctr/finished-at=" + NOW), "");
        expect(ctr("containers", "info", SANDBOX), saved("info-sandbox-exited-137.json"));

        assertThat(runtime().sandboxes().status(SANDBOX).orElseThrow().sandbox().state())
                .isEqualTo(SandboxState.NOT_READY);
    }

    @Test
    void statusOfAMissingSandboxOrOfAContainerIsEmpty() {
        runner.expect(ctr("containers", "info", "nothere"))
                .fails(1, "ctr: container \"nothere\" in namespace \"spa\": not found\n");
        expect(ctr("containers", "info", APP), saved("info-app-started.json"));
        expect(ctr("tasks", "ls"), saved("tasks-ls-both-running.txt"));
        CtrPodRuntime runtime = runtime();

        assertThat(runtime.sandboxes().status("nothere")).isEmpty();
        assertThat(runtime.sandboxes().status(APP)).isEmpty();
    }

    @Test
    void stopKillsTheContainersThenThePauseProcessAndRecordsEveryExit() {
        expect(ctr("containers", "ls", "-q"), saved("containers-ls-q-both.txt"));
        expect(ctr("tasks", "ls"), saved("tasks-ls-both-running.txt"));
        expect(ctr("containers", "info", APP), saved("info-app-started.json"));
        expect(ctr("containers", "info", SANDBOX), saved("info-sandbox-running.json"));
        expect(ctr("tasks", "kill", "--signal", "SIGKILL", APP), "");
        expect(ctr("tasks", "kill", "--signal", "SIGKILL", SANDBOX), "");
        for (String id : List.of(APP, SANDBOX)) {
            expect(ctr("tasks", "ls"), tasks(id + "    1    STOPPED"));
            runner.expect(ctr("tasks", "delete", id)).returns(0, "", saved("tasks-delete-exit-137.stderr")
                    .replace(SANDBOX, id));
            expect(ctr("containers", "label", id, "static-pod-agent.ctr/exit-code=137",
                    "static-pod-agent.ctr/finished-at=" + NOW), "");
        }

        runtime().sandboxes().stop(SANDBOX);

        assertThat(sleeps).isEmpty();
    }

    @Test
    void removeRemovesItsContainersItselfAndItsFilesAndSkipsTasksThatAreGone() throws Exception {
        Files.createDirectories(files.resolve(SANDBOX));
        Files.writeString(files.resolve(SANDBOX).resolve("hosts"), "x");
        Path log = Files.createDirectories(logs).resolve(APP + ".log");
        Files.writeString(log, "hello\n");
        expect(ctr("containers", "ls", "-q"), saved("containers-ls-q-both.txt"));
        expect(ctr("tasks", "ls"), saved("tasks-ls-sandbox-only.txt"));
        expect(ctr("containers", "info", APP), saved("info-app-exited-0.json"));
        expect(ctr("containers", "info", SANDBOX), saved("info-sandbox-running.json"));
        expect(ctr("containers", "delete", APP), "");
        expect(ctr("tasks", "delete", "--force", SANDBOX), "");
        expect(ctr("containers", "delete", SANDBOX), "");

        runtime().sandboxes().remove(SANDBOX);

        assertThat(files.resolve(SANDBOX)).doesNotExist();
        assertThat(log).doesNotExist();
    }

    @Test
    void leftoversAreFoundWithContainerdsFilterQuotingWhatTheValuesHold() {
        assertThat(CtrSandboxes.filter("static-pod-agent.ctr/pod-name", "we\"ird\\x"))
                .isEqualTo("labels.\"static-pod-agent.ctr/pod-name\"==\"we\\\"ird\\\\x\"");
    }
}
