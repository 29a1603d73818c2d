package io.staticpod.runtime.docker.cli;

import io.staticpod.runtime.exec.CommandException;
import io.staticpod.runtime.exec.FakeCommandRunner;
import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.EnvVar;
import io.staticpod.runtime.spi.PortMapping;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.SandboxMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.staticpod.runtime.exec.FakeCommandRunner.ENV_FILE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The docker CLI adapter against a scripted runner: exact argv, real saved Docker 20.10.24 output. */
class DockerCliRuntimeTest {

    static final String SANDBOX = "5e7f1c7b1d2f0c35c6b9f1e0f5b6a7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e";
    static final SandboxConfig POD = new SandboxConfig(new SandboxMetadata("web-n1", "default", "uid1", 0), "web",
            null, null, List.of(new PortMapping(PortMapping.Protocol.TCP, 80, 8080, "127.0.0.1")),
            Map.of("pod", "web"), Map.of(), null, null, false);

    final FakeCommandRunner runner = new FakeCommandRunner();
    final DockerCliRuntime docker = new DockerCliRuntime(runner, "docker", null, Duration.ofSeconds(30),
            Duration.ofMinutes(10), "pause:1");

    @AfterEach
    void everyScriptedCommandRan() {
        runner.assertAllCalled();
    }

    static String resource(String name) throws IOException {
        try (InputStream in = DockerCliRuntimeTest.class.getResourceAsStream("/docker-api/" + name)) {
            return "[" + new String(in.readAllBytes(), StandardCharsets.UTF_8) + "]";
        }
    }

    @Test
    void aSandboxIsAPauseContainerRunDetachedWithOurNameLabelsPortsAndAShareableIpc() {
        runner.expect("docker", "run", "-d", "--pull=never", "--restart=no", "--name",
                "k8s_POD_web-n1_default_uid1_0", "--label", "io.kubernetes.docker.type=podsandbox", "--label",
                "pod=web", "--network", "default", "--hostname", "web", "-p", "127.0.0.1:8080:80/tcp", "--ipc",
                "shareable", "pause:1").succeeds(SANDBOX + "\n");

        assertThat(docker.sandboxes().run(POD)).isEqualTo(SANDBOX);
    }

    @Test
    void aContainersEnvironmentGoesThroughAPrivateFileAndTheCliEnvironmentNeverArgv() throws IOException {
        ContainerConfig config = ContainerConfig.builder("app", 1, "busybox:1").command(List.of("sh", "-c", "x"))
                .env(List.of(new EnvVar("PASSWORD", "one-line-secret"), new EnvVar("MULTI", "second\nline-secret")))
                .labels(Map.of("l", "v")).build();
        runner.expect("docker", "inspect", "--type", "container", SANDBOX)
                .succeeds(resource("inspect-sandbox-running.json"));
        runner.expect("docker", "create", "--pull=never", "--restart=no", "--name", "k8s_app_web-n1_default_uid1_1",
                "--label", "io.kubernetes.docker.type=container", "--label", "io.kubernetes.sandbox.id=" + SANDBOX,
                "--label", "l=v", "--env-file", ENV_FILE, "-e", "MULTI", "--network", "container:" + SANDBOX,
                "--ipc", "container:" + SANDBOX, "--security-opt", "seccomp=unconfined", "--entrypoint", "sh",
                "busybox:1", "-c", "x").succeeds("c0ffee\n");

        assertThat(docker.containers().create(SANDBOX, config, POD)).isEqualTo("c0ffee");

        FakeCommandRunner.Call create = runner.calls().get(1);
        assertThat(create.envFileLines()).containsExactly("PASSWORD=one-line-secret");
        assertThat(create.env()).isEqualTo(Map.of("MULTI", "second\nline-secret"));
        assertThat(String.join(" ", create.argv())).doesNotContain("secret");
    }

    @Test
    void creatingInAMissingSandboxIsNotFoundWithoutCreatingAnything() {
        runner.expect("docker", "inspect", "--type", "container", SANDBOX).fails(1, "Error: No such object: "
                + SANDBOX + "\n");

        assertThatThrownBy(() -> docker.containers().create(SANDBOX, ContainerConfig.builder("app", 0, "i").build(),
                POD)).isInstanceOf(RuntimeError.NotFound.class);
    }

    @Test
    void theClisFailuresAreTyped() {
        runner.expect("docker", "start", "abc").fails(1, "Error response from daemon: No such container: abc\n"
                + "Error: failed to start containers: abc\n");
        runner.expect("docker", "start", "def").fails(1, "Error response from daemon: failed to create shim task:"
                + " OCI runtime create failed: exec: \"/nonexistent\": stat /nonexistent: no such file or directory\n");
        runner.expect("docker", "ps", "-a", "-q", "--no-trunc", "--filter", "label=a=b").fails(1,
                "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n");
        runner.expect("docker", "stop", "-t", "3", "ghi").throwsException(new CommandException(
                "`docker stop -t 3 ghi` did not finish within PT33S and was killed", List.of(), -1, "", null));

        assertThatThrownBy(() -> docker.containers().start("abc")).isInstanceOf(RuntimeError.NotFound.class);
        assertThatThrownBy(() -> docker.containers().start("def")).isInstanceOf(RuntimeError.Refused.class)
                .hasMessageContaining("/nonexistent");
        assertThatThrownBy(() -> docker.snapshot(Map.of("a", "b"))).isInstanceOf(RuntimeError.Unavailable.class);
        assertThatThrownBy(() -> docker.containers().stop("ghi", Duration.ofSeconds(3)))
                .isInstanceOf(RuntimeError.TimedOut.class);
    }

    @Test
    void stopAndRemoveOfMissingContainersAreFineAndAStopWaitsItsGracePlusAMargin() {
        runner.expect("docker", "stop", "-t", "2", "abc").fails(1, "Error response from daemon: No such container:"
                + " abc\n");
        runner.expect("docker", "rm", "-f", "-v", "abc").fails(1, "Error: No such container: abc\n");

        docker.containers().stop("abc", Duration.ofMillis(1500));
        docker.containers().remove("abc");

        assertThat(runner.calls().get(0).timeout()).isEqualTo(Duration.ofSeconds(32));
    }

    @Test
    void aSnapshotIsPsThenOneInspectOfThemAll() throws IOException {
        runner.expect("docker", "ps", "-a", "-q", "--no-trunc", "--filter", "label=spa.sample=1")
                .succeeds("a\nb\n");
        String both = resource("inspect-sandbox-running.json");
        both = both.substring(0, both.length() - 1) + "," + resource("inspect-running.json").substring(1);
        runner.expect("docker", "inspect", "--type", "container", "a", "b").succeeds(both);

        var snapshot = docker.snapshot(Map.of("spa.sample", "1"));

        assertThat(snapshot.sandboxes()).singleElement().satisfies(s -> assertThat(s.metadata().name())
                .isEqualTo("web-n1"));
        assertThat(snapshot.containers()).singleElement().satisfies(c -> assertThat(c.name()).isEqualTo("app"));
    }
}
