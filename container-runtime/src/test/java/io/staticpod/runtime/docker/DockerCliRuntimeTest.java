package io.staticpod.runtime.docker;

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

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.staticpod.runtime.exec.FakeCommandRunner.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Docker adapter against a scripted runner: exact argv, real saved Docker 20.10.24 output. */
class DockerCliRuntimeTest {

    static final String RUNNING = "a2c95dd38c14669842170ae6a561168a35317cfc361884b07fbc04f4317431b5";
    static final String EXITED = "f116a9294429294cdcde7b57e5b78322123f7a4af728061b04c9e00f0cd1e65f";
    static final String OOM = "73d7a34eca77c7363effdad39425c274e2f26db696ef1f1248fc863df9c4286d";
    static final String FAILED = "3f1eef75106ac9d254887f8c55299ff329ddd883abc508e298b1dcea51442543";
    static final String IMAGE = "static-pod-agent.local/busybox:1.35";
    static final String IMAGE_ID = "sha256:7133297c8fa9d9f7a331e26a4d95df818f619c31df66e47c894ec213c3d130a1";
    static final String PULL_ERROR = "Error response from daemon: Get \"https://static-pod-agent.local/v2/\": "
            + "dial tcp: lookup static-pod-agent.local: no such host\n";
    static final List<String> RUN = List.of("docker", "run", "-d", "--pull=never", "--name", "c1", "--restart=no");

    final FakeCommandRunner runner = new FakeCommandRunner();
    final DockerCliRuntime docker = new DockerCliRuntime(runner);

    @AfterEach
    void everyScriptedCommandRan() {
        runner.assertAllCalled();
    }

    static LaunchSpec spec(List<String> entrypoint, List<String> args) {
        return new LaunchSpec("c1", IMAGE, entrypoint, args, null, null, null, null, null, null, null, null, null);
    }

    static String[] run(String... rest) {
        List<String> argv = new java.util.ArrayList<>(RUN);
        argv.addAll(List.of(rest));
        return argv.toArray(String[]::new);
    }

    @Test
    void startRunsDetachedWithSortedLabelsShareableIpcAndNoOomScoreAdjustment() {
        runner.expect(run("--label", "a=1", "--label", "b=2", "--ipc", "shareable", IMAGE)).succeeds(RUNNING + "\n");
        LaunchSpec spec = new LaunchSpec("c1", IMAGE, null, null, null, null, null, null,
                Map.of("b", "2", "a", "1"), null, null, null, null);

        assertThat(docker.start(spec)).isEqualTo(RUNNING);
        assertThat(runner.calls().get(0).argv()).noneMatch(arg -> arg.contains("oom"));
    }

    @Test
    void startMapsEnvInOrderWorkingDirMountsPortsHostnameAndStopSignal() {
        runner.expect(run("--env-file", FakeCommandRunner.ENV_FILE, "-w", "/work",
                "-v", "/etc/k:/etc/k:ro", "-v", "/data:/var/data",
                "-p", "8080:80/tcp", "-p", "127.0.0.1:5353:53/udp",
                "--ipc", "shareable", "--hostname", "web", "--stop-signal", "SIGQUIT", IMAGE)).succeeds(RUNNING);
        LaunchSpec spec = new LaunchSpec("c1", IMAGE, null, null,
                List.of(new EnvVar("Z", "1"), new EnvVar("A", "x y"), new EnvVar("EMPTY", null)), "/work",
                List.of(new Mount("/etc/k", "/etc/k", true), new Mount("/data", "/var/data", false)),
                List.of(new PortMapping(80, 8080, null, "TCP"), new PortMapping(53, 5353, "127.0.0.1", "udp"),
                        new PortMapping(9090, 0, null, "tcp")),
                null, Namespace.own(), Namespace.own(), "web", "SIGQUIT");

        assertThat(docker.start(spec)).isEqualTo(RUNNING);
        assertThat(runner.calls().get(0).envFileLines()).containsExactly("Z=1", "A=x y", "EMPTY=");
        assertThat(runner.calls().get(0).env()).isEmpty();
    }

    static final String SECRET = "s3cr3t";

    static LaunchSpec secretSpec() {
        return new LaunchSpec("c1", IMAGE, null, null, List.of(
                new EnvVar("TOKEN", SECRET + " =\"'$x"), new EnvVar("PEM", "-----BEGIN " + SECRET + "\nline2\n"),
                new EnvVar("TOKEN", SECRET + "-later-wins"), new EnvVar("DOCKER_HOST", "unix:///x\n" + SECRET),
                new EnvVar("my.dotted-name", SECRET)),
                null, null, null, null, null, null, null, null);
    }

    @Test
    void envValuesNeverReachArgvButAnEnvFileAndTheCliEnvironment() {
        runner.expect(run("--env-file", FakeCommandRunner.ENV_FILE, "-e", "PEM",
                "-e", "DOCKER_HOST=unix:///x\n" + SECRET, "--ipc", "shareable", IMAGE)).succeeds(RUNNING);

        docker.start(secretSpec());

        FakeCommandRunner.Call call = runner.calls().get(0);
        // one line each, the later TOKEN winning in the first TOKEN's place, verbatim (docker does not unquote)
        assertThat(call.envFileLines()).containsExactly("TOKEN=" + SECRET + "-later-wins",
                "my.dotted-name=" + SECRET);
        // a multi-line value cannot be a line: it goes through the CLI's own environment ...
        assertThat(call.env()).containsExactly(Map.entry("PEM", "-----BEGIN " + SECRET + "\nline2\n"));
        // ... unless the CLI would read it itself: only then is it on argv (and redacted wherever quoted)
        assertThat(call.argv()).filteredOn(arg -> arg.contains(SECRET)).containsExactly("DOCKER_HOST=unix:///x\n" + SECRET);
        assertThat(java.nio.file.Path.of(call.argv().get(call.argv().indexOf("--env-file") + 1))).doesNotExist();
    }

    @Test
    void aFailedRunQuotesNoEnvValueInItsError() {
        String[] argv = run("--env-file", FakeCommandRunner.ENV_FILE, "-e", "PEM",
                "-e", "DOCKER_HOST=unix:///x\n" + SECRET, "--ipc", "shareable", IMAGE);
        runner.expect(argv).returns(125, "", "docker: invalid reference format.\n");

        assertThatThrownBy(() -> docker.start(secretSpec())).isInstanceOfSatisfying(CommandException.class, e -> {
            assertThat(e.getMessage()).contains("docker run -d", "-e PEM", "-e DOCKER_HOST=… ",
                    "invalid reference format").doesNotContain(SECRET);
            assertThat(String.join(" ", e.argv())).doesNotContain(SECRET);
        });
    }

    @Test
    void entrypointBecomesDockerEntrypointPlusCommandAndDropsTheImageCmd() {
        runner.expect(run("--ipc", "shareable", "--entrypoint", "sh", IMAGE, "-c", "exec \"$@\"", "x", "a", "b"))
                .succeeds(RUNNING);
        runner.expect(run("--ipc", "shareable", "--entrypoint", "/pause", IMAGE)).succeeds(RUNNING);

        docker.start(spec(List.of("sh", "-c", "exec \"$@\"", "x"), List.of("a", "b")));
        docker.start(spec(List.of("/pause"), null));
    }

    @Test
    void argsAloneReplaceTheImageCmdAndNeitherKeepsTheImageDefaults() {
        runner.expect(run("--ipc", "shareable", IMAGE, "sleep", "10")).succeeds(RUNNING);
        runner.expect(run("--ipc", "shareable", IMAGE)).succeeds(RUNNING);
        runner.expect(run("--ipc", "shareable", IMAGE, "sleep", "1")).succeeds(RUNNING);

        docker.start(spec(null, List.of("sleep", "10")));
        docker.start(spec(null, null));
        docker.start(spec(List.of(), List.of("sleep", "1")));
    }

    @Test
    void joiningAContainerSharesNetworkAndIpcWithoutHostnameOrPorts() {
        runner.expect(run("--network", "container:sandbox1", "--ipc", "container:sandbox1", IMAGE)).succeeds(RUNNING);
        LaunchSpec spec = new LaunchSpec("c1", IMAGE, null, null, null, null, null,
                List.of(new PortMapping(80, 8080, null, "tcp")), null,
                Namespace.container("sandbox1"), Namespace.container("sandbox1"), "web", null);

        docker.start(spec);
    }

    @Test
    void hostNamespacesKeepTheHostname() {
        runner.expect(run("--network", "host", "--ipc", "host", "--hostname", "node1", IMAGE)).succeeds(RUNNING);
        docker.start(new LaunchSpec("c1", IMAGE, null, null, null, null, null, null, null,
                Namespace.host(), Namespace.host(), "node1", null));
    }

    @Test
    void aLeftoverWithTheSameNameIsRemovedAndTheRunRetriedOnce() {
        String[] argv = run("--ipc", "shareable", IMAGE);
        runner.expect(argv).returns(125, "", "docker: Error response from daemon: Conflict. The container name "
                + "\"/c1\" is already in use by container \"" + EXITED + "\". You have to remove (or rename) that "
                + "container to be able to reuse that name.\n");
        runner.expect("docker", "rm", "-f", "c1").succeeds("c1\n");
        runner.expect(argv).succeeds(RUNNING + "\n");

        assertThat(docker.start(spec(null, null))).isEqualTo(RUNNING);
    }

    @Test
    void aStartThatFailsAfterCreatingTheContainerThrowsDockersErrorAndLeavesIt() {
        runner.expect(run("--ipc", "shareable", "--entrypoint", "/nonexistent", IMAGE)).returns(127, FAILED + "\n",
                "docker: Error response from daemon: failed to create shim task: OCI runtime create failed: runc "
                        + "create failed: unable to start container process: exec: \"/nonexistent\": stat "
                        + "/nonexistent: no such file or directory: unknown.\n");

        assertThatThrownBy(() -> docker.start(spec(List.of("/nonexistent"), null)))
                .isInstanceOf(CommandException.class)
                .hasMessageContaining("docker run -d")
                .hasMessageContaining("exec: \"/nonexistent\": stat /nonexistent: no such file or directory");
    }

    @Test
    void stopRoundsTheGraceUpAndWaitsForItPlusAMargin() {
        runner.expect("docker", "stop", "-t", "2", RUNNING).succeeds(RUNNING);
        runner.expect("docker", "stop", "-t", "0", RUNNING).succeeds(RUNNING);
        runner.expect("docker", "stop", "-t", "30", RUNNING).succeeds(RUNNING);

        docker.stop(RUNNING, Duration.ofMillis(1500));
        docker.stop(RUNNING, Duration.ofSeconds(-3));
        docker.stop(RUNNING, Duration.ofSeconds(30));

        assertThat(runner.calls().get(0).timeout()).isEqualTo(Duration.ofSeconds(32));
        assertThat(runner.calls().get(2).timeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void stopAndRemoveOfAMissingContainerAreFine() {
        runner.expect("docker", "stop", "-t", "1", "gone").fails(1, "Error response from daemon: No such container: gone\n");
        runner.expect("docker", "rm", "-f", "-v", "gone").fails(1, "Error response from daemon: No such container: gone\n");
        runner.expect("docker", "rm", "-f", "-v", "gone2").returns(0, "", "Error response from daemon: No such container: gone2\n");

        docker.stop("gone", Duration.ofSeconds(1));
        docker.remove("gone");
        docker.remove("gone2");
    }

    @Test
    void otherStopAndRemoveErrorsAreThrownWithTheCommand() {
        String down = "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n";
        runner.expect("docker", "stop", "-t", "1", RUNNING).fails(1, down);
        runner.expect("docker", "rm", "-f", "-v", RUNNING).fails(1, down);

        assertThatThrownBy(() -> docker.stop(RUNNING, Duration.ofSeconds(1)))
                .hasMessageContaining("`docker stop -t 1 " + RUNNING + "` failed with exit code 1: Cannot connect");
        assertThatThrownBy(() -> docker.remove(RUNNING)).hasMessageContaining("docker rm -f -v").hasMessageContaining("Cannot connect");
    }

    @Test
    void inspectParsesARunningContainer() {
        runner.expect("docker", "inspect", "--type", "container", RUNNING).succeeds(resource("docker/inspect-running.json"));

        ContainerInfo info = docker.inspect(RUNNING).orElseThrow();

        assertThat(info.id()).isEqualTo(RUNNING);
        assertThat(info.name()).isEqualTo("cap-running");
        assertThat(info.state()).isEqualTo(ContainerInfo.State.RUNNING);
        assertThat(info.image()).isEqualTo(IMAGE);
        assertThat(info.imageId()).isEqualTo(IMAGE_ID);
        assertThat(info.labels()).containsExactlyInAnyOrderEntriesOf(
                Map.of("io.kubernetes.pod.name", "web-n1", "spa.test", "capture"));
        assertThat(info.exitCode()).isZero();
        assertThat(info.createdAt()).isEqualTo(Instant.parse("2026-11-29T19:45:58.942241506Z"));
        assertThat(info.startedAt()).isNotNull();
        assertThat(info.finishedAt()).isNull();
        assertThat(info.ipAddress()).isEqualTo("172.17.0.2");
        assertThat(info.error()).isNull();
    }

    @Test
    void inspectParsesAnExitedContainerWithItsCode() {
        runner.expect("docker", "inspect", "--type", "container", EXITED).succeeds(resource("docker/inspect-exited-3.json"));

        ContainerInfo info = docker.inspect(EXITED).orElseThrow();

        assertThat(info.state()).isEqualTo(ContainerInfo.State.EXITED);
        assertThat(info.exitCode()).isEqualTo(3);
        assertThat(info.oomKilled()).isFalse();
        assertThat(info.finishedAt()).isAfter(info.startedAt());
        assertThat(info.ipAddress()).isNull();
    }

    @Test
    void inspectParsesAnOomKilledContainer() {
        runner.expect("docker", "inspect", "--type", "container", OOM).succeeds(resource("docker/inspect-oom-killed.json"));

        ContainerInfo info = docker.inspect(OOM).orElseThrow();

        assertThat(info.state()).isEqualTo(ContainerInfo.State.EXITED);
        assertThat(info.exitCode()).isEqualTo(137);
        assertThat(info.oomKilled()).isTrue();
    }

    @Test
    void inspectParsesAContainerThatFailedToStart() {
        runner.expect("docker", "inspect", "--type", "container", FAILED).succeeds(resource("docker/inspect-created-with-error.json"));

        ContainerInfo info = docker.inspect(FAILED).orElseThrow();

        assertThat(info.state()).isEqualTo(ContainerInfo.State.CREATED);
        assertThat(info.exitCode()).isZero();
        assertThat(info.startedAt()).isNull();
        assertThat(info.finishedAt()).isNull();
        assertThat(info.error()).contains("exec: \"/nonexistent\": stat /nonexistent: no such file or directory");
    }

    @Test
    void inspectOfAMissingContainerIsEmpty() {
        runner.expect("docker", "inspect", "--type", "container", "gone").returns(1, "[]\n", "Error: No such container: gone\n");

        assertThat(docker.inspect("gone")).isEmpty();
    }

    @Test
    void listFiltersByEveryLabelThenInspectsAllInOneCall() {
        String ids = resource("docker/ps-five.txt");
        runner.expect("docker", "ps", "-a", "-q", "--no-trunc", "--filter", "label=spa.test=capture")
                .succeeds(ids);
        List<String> inspect = new java.util.ArrayList<>(List.of("docker", "inspect", "--type", "container"));
        inspect.addAll(ids.lines().toList());
        runner.expect(inspect.toArray(String[]::new)).succeeds(resource("docker/inspect-five.json"));

        List<ContainerInfo> list = docker.list(Map.of("spa.test", "capture"));

        assertThat(list).hasSize(5).allMatch(c -> "capture".equals(c.label("spa.test")));
        assertThat(list).extracting(ContainerInfo::name)
                .containsExactly("cap-err2", "cap-err", "cap-oom", "cap-exited", "cap-running");
        assertThat(list).extracting(ContainerInfo::state).containsExactly(ContainerInfo.State.CREATED,
                ContainerInfo.State.CREATED, ContainerInfo.State.EXITED, ContainerInfo.State.EXITED,
                ContainerInfo.State.EXITED);
    }

    @Test
    void listOfNothingMakesNoSecondCall() {
        runner.expect("docker", "ps", "-a", "-q", "--no-trunc", "--filter", "label=a=1", "--filter", "label=b=2")
                .succeeds("");

        assertThat(docker.list(Map.of("b", "2", "a", "1"))).isEmpty();
    }

    @Test
    void listToleratesAContainerRemovedBetweenPsAndInspect() {
        runner.expect("docker", "ps", "-a", "-q", "--no-trunc", "--filter", "label=spa.test=capture")
                .succeeds(EXITED + "\ngone\n");
        runner.expect("docker", "inspect", "--type", "container", EXITED, "gone")
                .returns(1, resource("docker/inspect-partial.json"), "Error: No such container: gone\n");

        assertThat(docker.list(Map.of("spa.test", "capture"))).extracting(ContainerInfo::id).containsExactly(EXITED);
    }

    @Test
    void ifNotPresentUsesTheLocalImageWithoutPulling() {
        runner.expect("docker", "image", "inspect", "--format", "{{.Id}}", IMAGE).succeeds(IMAGE_ID + "\n");

        assertThat(docker.ensureImage(IMAGE, PullPolicy.IF_NOT_PRESENT)).isEqualTo(new ImageResult(IMAGE, IMAGE_ID, false, null));
    }

    @Test
    void ifNotPresentPullsAMissingImage() {
        runner.expect("docker", "image", "inspect", "--format", "{{.Id}}", "nginx").fails(1, "Error: No such image: nginx\n");
        runner.expect("docker", "pull", "nginx").succeeds("Status: Downloaded newer image for nginx:latest\n");
        runner.expect("docker", "image", "inspect", "--format", "{{.Id}}", "nginx").succeeds("sha256:abc\n");

        assertThat(docker.ensureImage("nginx", PullPolicy.IF_NOT_PRESENT)).isEqualTo(new ImageResult("nginx", "sha256:abc", true, null));
    }

    @Test
    void neverFailsForAMissingImageNamingThePolicy() {
        runner.expect("docker", "image", "inspect", "--format", "{{.Id}}", "nginx").fails(1, "Error: No such image: nginx\n");

        assertThatThrownBy(() -> docker.ensureImage("nginx", PullPolicy.NEVER))
                .hasMessage("image nginx not present and imagePullPolicy is Never");
    }

    @Test
    void alwaysFallsBackToTheLocalImageWhenThePullFailsAndSaysWhy() {
        runner.expect("docker", "pull", IMAGE).fails(1, PULL_ERROR);
        runner.expect("docker", "image", "inspect", "--format", "{{.Id}}", IMAGE).succeeds(IMAGE_ID + "\n");

        ImageResult result = docker.ensureImage(IMAGE, PullPolicy.ALWAYS);

        assertThat(result.imageId()).isEqualTo(IMAGE_ID);
        assertThat(result.pulled()).isFalse();
        assertThat(result.pullWarning()).contains("docker pull " + IMAGE).contains("no such host");
    }

    @Test
    void alwaysFailsNamingBothAttemptsWhenNeitherWorks() {
        runner.expect("docker", "pull", "nginx").fails(1, PULL_ERROR);
        runner.expect("docker", "image", "inspect", "--format", "{{.Id}}", "nginx").fails(1, "Error: No such image: nginx\n");

        assertThatThrownBy(() -> docker.ensureImage("nginx", PullPolicy.ALWAYS))
                .hasMessageContaining("docker pull nginx").hasMessageContaining("no such host")
                .hasMessageContaining("not present locally");
    }

    @Test
    void versionAsksTheServer() {
        runner.expect("docker", "version", "--format", "{{.Server.Version}}").succeeds("20.10.24+dfsg1\n");

        assertThat(docker.version()).isEqualTo("docker 20.10.24+dfsg1");
    }

    @Test
    void versionNamesTheCommandAndTheErrorWhenTheDaemonIsDown() {
        runner.expect("docker", "version", "--format", "{{.Server.Version}}").returns(1, "\n",
                "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n");

        assertThatThrownBy(docker::version)
                .hasMessageContaining("docker version --format {{.Server.Version}}")
                .hasMessageContaining("Cannot connect to the Docker daemon");
    }

    @Test
    void execRunsTheCommandInTheContainerAndReportsItsExitCode() {
        runner.expect("docker", "exec", "c1", "cat", "/tmp/ready").returns(1, "", "cat: can't open '/tmp/ready'\n");
        runner.expect("docker", "exec", "c1", "true").succeeds("");

        assertThat(docker.exec("c1", java.util.List.of("cat", "/tmp/ready"), java.time.Duration.ofSeconds(1)))
                .isEqualTo(new io.staticpod.runtime.ContainerExec.Result(1, "cat: can't open '/tmp/ready'\n", false));
        assertThat(docker.exec("c1", java.util.List.of("true"), java.time.Duration.ofSeconds(1)).succeeded()).isTrue();
    }

    @Test
    void execInAMissingContainerIsAnErrorNotAFailedProbe() {
        runner.expect("docker", "exec", "gone", "true").returns(1, "", "Error: No such container: gone\n");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> docker.exec("gone", java.util.List.of("true"),
                java.time.Duration.ofSeconds(1))).hasMessageContaining("No such container");
    }

    @Test
    void startMapsResourcesAndSecurityAsDockershimDid() {
        io.staticpod.runtime.LaunchOptions options = new io.staticpod.runtime.LaunchOptions(256, 50_000, 100_000,
                64L << 20, true, "1000:1000", List.of(5L), List.of("NET_ADMIN"), List.of("ALL"), true, true,
                "unconfined", Map.of("net.ipv4.ip_forward", "1"), LaunchSpec.Namespace.host(),
                List.of("db:10.0.0.2"), List.of("10.0.0.53"), List.of("svc.local"), List.of("ndots:2"),
                Map.of("/cache", "size=64m"));
        runner.expect(run("--ipc", "shareable", "--cpu-shares", "256", "--cpu-period", "100000", "--cpu-quota", "50000",
                "--memory", "67108864b", "--memory-swap", "67108864b", "--privileged", "--user", "1000:1000",
                "--group-add", "5", "--cap-add", "NET_ADMIN", "--cap-drop", "ALL", "--read-only",
                "--security-opt", "no-new-privileges", "--security-opt", "seccomp=unconfined",
                "--sysctl", "net.ipv4.ip_forward=1", "--pid", "host", "--add-host", "db:10.0.0.2",
                "--dns", "10.0.0.53", "--dns-search", "svc.local", "--dns-option", "ndots:2",
                "--tmpfs", "/cache:size=64m", IMAGE)).succeeds(RUNNING);

        docker.start(new LaunchSpec("c1", IMAGE, null, null, null, null, null, null, null, null, null, null, null,
                options));
    }
}
