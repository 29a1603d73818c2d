package io.staticpod.runtime.testing;

import io.staticpod.runtime.ContainerInfo;
import io.staticpod.runtime.ContainerRuntime;
import io.staticpod.runtime.LaunchSpec.Namespace;
import io.staticpod.runtime.PullPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The behaviour every {@link ContainerRuntime} must show, run against {@link FakeContainerRuntime} (unit tests) and
 * against each real adapter (integration tests), so that the fake the agent is tested with cannot drift from Docker.
 *
 * <p>Subclasses give the runtime and two images: a busybox (with {@code sh}, {@code sleep}, {@code httpd},
 * {@code wget}, {@code PATH=/bin}, {@code CMD ["sh"]}) and a pause image ({@code ENTRYPOINT ["/pause"]}, exits on
 * TERM). Tests that observe what a real process does (files it writes, signals, sockets) run only when
 * {@link #supportsRealProcesses()}; where a real process would exit by itself, the suite calls
 * {@link #processExited} so that a fake can make it happen. Every container carries {@link #testLabels()} and is
 * removed after each test.
 */
public abstract class ContainerRuntimeContract extends ContractFixtures {

    private static final String NO_POD_NETWORK = "needs a pod network (an address for a sandbox, published host ports);"
            + " this runtime has none (see hasPodNetwork())";

    @TempDir
    Path dir;

    @BeforeEach
    void imagesArePresent() {
        runtime().ensureImage(busyboxImage(), PullPolicy.IF_NOT_PRESENT);
        runtime().ensureImage(pauseImage(), PullPolicy.IF_NOT_PRESENT);
    }

    @AfterEach
    void removeEveryContainerOfThisTest() {
        removeAll(runtime(), testLabels());
    }

    @Test
    void aStartedContainerRunsWithOurLabels() {
        String imageId = runtime().ensureImage(busyboxImage(), PullPolicy.NEVER).imageId();
        String id = runtime().start(sleeper("labels").label("io.kubernetes.pod.name", "web-n1").build());

        ContainerInfo info = runtime().inspect(id).orElseThrow();

        assertThat(info.id()).isEqualTo(id);
        assertThat(info.name()).isEqualTo(name("labels"));
        assertThat(info.state()).isEqualTo(ContainerInfo.State.RUNNING);
        assertThat(info.labels()).containsAllEntriesOf(testLabels()).containsEntry("io.kubernetes.pod.name", "web-n1");
        assertThat(info.image()).isEqualTo(busyboxImage());
        assertThat(info.imageId()).isEqualTo(imageId);
        assertThat(info.createdAt()).isNotNull();
        assertThat(info.startedAt()).isNotNull();
        assertThat(info.finishedAt()).isNull();
        assertThat(info.error()).isNull();
    }

    @Test
    void aProcessExitingWithThreeLeavesAnExitedContainerWithCodeThree() {
        String id = runtime().start(busybox("exit3", "exit 3").build());
        processExited(id, 3);

        ContainerInfo info = awaitState(id, ContainerInfo.State.EXITED);

        assertThat(info.exitCode()).isEqualTo(3);
        assertThat(info.oomKilled()).isFalse();
        // not after startedAt: Docker records StartedAt after runc returns, which a quick process can outrun
        assertThat(info.finishedAt()).isNotNull().isAfterOrEqualTo(info.createdAt());
        assertThat(info.ipAddress()).isNull();
    }

    @Test
    void aStoppedContainerIsExitedAndStoppingAgainIsFine() {
        String id = runtime().start(sleeper("stopped").build());

        runtime().stop(id, Duration.ofSeconds(10));
        runtime().stop(id, Duration.ofSeconds(10));

        ContainerInfo info = runtime().inspect(id).orElseThrow();
        assertThat(info.state()).isEqualTo(ContainerInfo.State.EXITED);
        assertThat(info.finishedAt()).isNotNull();
    }

    @Test
    void stopEndsAContainerThatTrapsTermWithoutWaitingForTheGrace() {
        assumeThat(supportsRealProcesses()).as("needs a real process that traps SIGTERM").isTrue();
        String id = runtime().start(sleeper("trapper").build());

        long started = System.nanoTime();
        runtime().stop(id, Duration.ofSeconds(20));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(runtime().inspect(id).orElseThrow().exitCode()).isZero();
    }

    @Test
    void stopKillsAContainerIgnoringTermOnceTheGraceIsOver() {
        assumeThat(supportsRealProcesses()).as("needs a real process that ignores SIGTERM").isTrue();
        String id = runtime().start(busybox("ignorer", "trap '' TERM; while true; do sleep 0.1; done").build());

        long started = System.nanoTime();
        runtime().stop(id, Duration.ofSeconds(2));

        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isGreaterThanOrEqualTo(Duration.ofMillis(1800)).isLessThan(Duration.ofSeconds(15));
        ContainerInfo info = runtime().inspect(id).orElseThrow();
        assertThat(info.state()).isEqualTo(ContainerInfo.State.EXITED);
        assertThat(info.exitCode()).isEqualTo(137);
    }

    @Test
    void stopRemoveAndInspectOfAMissingContainerAreNotErrors() {
        String missing = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

        runtime().stop(missing, Duration.ofSeconds(1));
        runtime().remove(missing);

        assertThat(runtime().inspect(missing)).isEmpty();
    }

    @Test
    void aRemovedContainerIsGoneEvenWhenItWasRunning() {
        String id = runtime().start(sleeper("removed").build());

        runtime().remove(id);
        runtime().remove(id);

        assertThat(runtime().inspect(id)).isEmpty();
        assertThat(runtime().list(testLabels())).isEmpty();
    }

    @Test
    void listFiltersByEveryLabelAndIncludesExitedContainers() {
        String a1 = runtime().start(sleeper("a1").label("group", "a").build());
        String a2 = runtime().start(busybox("a2", "exit 0").label("group", "a").build());
        String b1 = runtime().start(sleeper("b1").label("group", "b").build());
        processExited(a2, 0);
        awaitState(a2, ContainerInfo.State.EXITED);

        assertThat(runtime().list(labels("group", "a"))).extracting(ContainerInfo::id).containsExactlyInAnyOrder(a1, a2);
        assertThat(runtime().list(testLabels())).extracting(ContainerInfo::id).containsExactlyInAnyOrder(a1, a2, b1);
        assertThat(runtime().list(labels("group", "c"))).isEmpty();
    }

    @Test
    void aContainerOwningItsNetworkHasAnAddressAndOneJoiningItOrTheHostsHasNone() {
        assumeThat(hasPodNetwork()).as(NO_POD_NETWORK).isTrue();
        String sandbox = runtime().start(pause("sandbox").build());
        String joined = runtime().start(sleeper("joined")
                .network(Namespace.container(sandbox)).ipc(Namespace.container(sandbox)).build());
        String host = runtime().start(sleeper("host").network(Namespace.host()).ipc(Namespace.host())
                .hostname("node-name").build());

        assertThat(runtime().inspect(sandbox).orElseThrow().ipAddress()).isNotBlank();
        assertThat(runtime().inspect(joined).orElseThrow().ipAddress()).isNull();
        assertThat(runtime().inspect(host).orElseThrow().ipAddress()).isNull();
        assertThat(runtime().inspect(joined).orElseThrow().running()).isTrue();
    }

    @Test
    void containersJoiningAnotherOrTheHostsNetworkRunWithoutAnAddressOfTheirOwn() {
        String sandbox = runtime().start(pause("sandbox").build());
        String joined = runtime().start(sleeper("joined")
                .network(Namespace.container(sandbox)).ipc(Namespace.container(sandbox)).build());
        String host = runtime().start(sleeper("host").network(Namespace.host()).ipc(Namespace.host()).build());

        assertThat(runtime().inspect(joined).orElseThrow()).satisfies(c -> {
            assertThat(c.running()).isTrue();
            assertThat(c.ipAddress()).isNull();
        });
        assertThat(runtime().inspect(host).orElseThrow()).satisfies(c -> {
            assertThat(c.running()).isTrue();
            assertThat(c.ipAddress()).isNull();
        });
    }

    @Test
    void aPublishedHostPortReachesTheContainersServer() throws Exception {
        assumeThat(supportsRealProcesses()).as("needs a real server").isTrue();
        assumeThat(hasPodNetwork()).as(NO_POD_NETWORK).isTrue();
        int hostPort;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            hostPort = free.getLocalPort();
        }
        runtime().start(busybox("published", "mkdir -p /www && echo published > /www/index.html"
                + " && exec httpd -f -p 8080 -h /www").port(8080, hostPort, "127.0.0.1").build());

        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + hostPort + "/");
        String body = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> http.send(java.net.http.HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2))
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body(), b -> !b.isEmpty());
        assertThat(body).isEqualTo("published\n");
    }

    @Test
    void joiningTheNetworkOfAStoppedContainerFails() {
        String sandbox = runtime().start(pause("dead-sandbox").build());
        runtime().stop(sandbox, Duration.ofSeconds(10));

        assertThatThrownBy(() -> runtime().start(sleeper("orphan").network(Namespace.container(sandbox)).build()))
                .isInstanceOf(RuntimeException.class)
                .hasMessageContaining("non running container");
    }

    @Test
    void aContainerJoiningAnotherReachesItsServerOnLocalhost() throws Exception {
        assumeThat(supportsRealProcesses()).as("needs real processes and sockets").isTrue();
        String sandbox = runtime().start(pause("net").build());
        runtime().start(busybox("server", "mkdir -p /www && echo hello-from-server > /www/index.html"
                + " && exec httpd -f -p 8080 -h /www").network(Namespace.container(sandbox))
                .ipc(Namespace.container(sandbox)).build());
        String client = runtime().start(busybox("client", "i=0; while [ $i -lt 100 ]; do"
                + " wget -q -O /out/got http://127.0.0.1:8080/ && exit 0; i=$((i+1)); sleep 0.1; done; exit 1")
                .network(Namespace.container(sandbox)).ipc(Namespace.container(sandbox)).mount(dir, "/out", false)
                .build());

        assertThat(awaitState(client, ContainerInfo.State.EXITED).exitCode()).isZero();
        assertThat(Files.readString(dir.resolve("got"))).isEqualTo("hello-from-server\n");
    }

    @Test
    void bindMountsAreWritableOrReadOnlyAsAsked() throws Exception {
        assumeThat(supportsRealProcesses()).as("needs a real process writing files").isTrue();
        Path readOnly = Files.createDirectories(dir.resolve("ro"));
        Path out = Files.createDirectories(dir.resolve("out"));
        String id = runtime().start(busybox("mounts", "echo written > /out/file;"
                + " if touch /ro/x 2>/dev/null; then echo writable; else echo read-only; fi > /out/ro")
                .mount(out, "/out", false).mount(readOnly, "/ro", true).build());

        assertThat(awaitState(id, ContainerInfo.State.EXITED).exitCode()).isZero();
        assertThat(Files.readString(out.resolve("file"))).isEqualTo("written\n");
        assertThat(Files.readString(out.resolve("ro"))).isEqualTo("read-only\n");
        assertThat(readOnly.resolve("x")).doesNotExist();
    }

    @Test
    void environmentAndWorkingDirReachTheProcess() throws Exception {
        assumeThat(supportsRealProcesses()).as("needs a real process").isTrue();
        // values the adapters must carry exactly, whichever way they pass them (env file, CLI environment, argv)
        Map<String, String> values = new java.util.LinkedHashMap<>();
        values.put("FOO", "a b");
        values.put("EMPTY", "");
        values.put("LAST", "x=y");
        values.put("QUOTES", "it's \"quoted\" \\ too");
        values.put("DOLLAR", "$HOME $(id) ${x} `id`");
        values.put("SPACES", "  padded  ");
        values.put("HASH", "#not a comment");
        values.put("MULTI", "line 1\nline 2\n");
        values.put("CR", "ends in cr\r");
        // names the docker CLI reads for itself: they must reach the container and never redirect the CLI
        values.put("DOCKER_HOST", "unix:///nonexistent/docker.sock");
        values.put("HTTP_PROXY", "multi\nline");
        values.put("my.dotted-name", "d v"); // a valid Kubernetes name that no shell can read as a variable
        // PID 1 is the shell; its initial environment, NUL-separated, shows every variable exactly
        Spec spec = busybox("env", "cat /proc/1/environ > /out/environ; pwd > /out/pwd")
                .env("FOO", "overridden by the later FOO");
        values.forEach(spec::env);
        String id = runtime().start(spec.workingDir("/work/dir").mount(dir, "/out", false).build());

        awaitState(id, ContainerInfo.State.EXITED);
        List<String> environ = List.of(Files.readString(dir.resolve("environ")).split("\0"));
        values.forEach((name, value) -> assertThat(environ).as(name).contains(name + "=" + value)
                .filteredOn(e -> e.startsWith(name + "=")).hasSize(1));
        assertThat(Files.readString(dir.resolve("pwd"))).isEqualTo("/work/dir\n");
    }

    @Test
    void anEntrypointDropsTheImageCmdAndArgsFollowIt() throws Exception {
        assumeThat(supportsRealProcesses()).as("needs a real process").isTrue();
        String alone = runtime().start(spec("ep", busyboxImage()).mount(dir, "/out", false)
                .entrypoint("sh", "-c", "echo \"$0 $#\" > /out/ep", "zero").build());
        String withArgs = runtime().start(spec("ep-args", busyboxImage()).mount(dir, "/out", false)
                .entrypoint("sh", "-c", "echo \"$0 $# $*\" > /out/ep-args", "zero").args("x", "y z").build());
        String argsOnly = runtime().start(spec("args", busyboxImage()).mount(dir, "/out", false)
                .args("sh", "-c", "echo args-only > /out/args").build());

        for (String id : List.of(alone, withArgs, argsOnly)) {
            assertThat(awaitState(id, ContainerInfo.State.EXITED).exitCode()).isZero();
        }
        assertThat(Files.readString(dir.resolve("ep"))).isEqualTo("zero 0\n");
        assertThat(Files.readString(dir.resolve("ep-args"))).isEqualTo("zero 2 x y z\n");
        assertThat(Files.readString(dir.resolve("args"))).isEqualTo("args-only\n");
    }

    @Test
    void argsAloneKeepTheImageEntrypoint() {
        assumeThat(supportsRealProcesses()).as("needs the pause image's real entrypoint").isTrue();
        // were "sh" run as the command, it would exit at once (no stdin); /pause with an argument keeps running
        String id = runtime().start(spec("pause-args", pauseImage()).args("sh").build());

        assertThat(runtime().inspect(id).orElseThrow().running()).isTrue();
    }

    @Test
    void ensureImageWithNeverFailsForAMissingImageAndUsesAPresentOne() {
        String missing = "static-pod-agent.local/not-there:0";

        assertThatThrownBy(() -> runtime().ensureImage(missing, PullPolicy.NEVER))
                .hasMessageContaining(missing).hasMessageContaining("Never");
        assertThat(runtime().ensureImage(busyboxImage(), PullPolicy.NEVER).imageId()).startsWith("sha256:");
        assertThat(runtime().ensureImage(busyboxImage(), PullPolicy.IF_NOT_PRESENT).pulled()).isFalse();
    }

    @Test
    void startingAMissingImageFailsWithoutPullingIt() {
        assertThatThrownBy(() -> runtime().start(spec("no-image", "static-pod-agent.local/not-there:0").build()))
                .hasMessageContaining("No such image");
    }

    @Test
    void aLeftoverContainerWithTheSameNameIsReplaced() {
        String first = runtime().start(sleeper("same").build());
        String second = runtime().start(sleeper("same").build());

        assertThat(second).isNotEqualTo(first);
        assertThat(runtime().inspect(first)).isEmpty();
        assertThat(runtime().inspect(second).orElseThrow().running()).isTrue();
    }

    @Test
    void aFailedStartThrowsTheEnginesErrorAndLeavesTheContainerToInspect() {
        arrangeNextStartToFail("exec: \"/nonexistent\": stat /nonexistent: no such file or directory");

        assertThatThrownBy(() -> runtime().start(spec("broken", busyboxImage()).entrypoint("/nonexistent").build()))
                .hasMessageContaining("/nonexistent: no such file or directory");

        assertThat(runtime().list(testLabels())).singleElement().satisfies(c -> {
            assertThat(c.state()).isEqualTo(ContainerInfo.State.CREATED);
            assertThat(c.error()).contains("/nonexistent: no such file or directory");
        });
    }

    @Test
    void aNewRuntimeInstanceFindsTheContainersOfTheOldOne() {
        String id = runtime().start(sleeper("survivor").build());

        ContainerRuntime restarted = newRuntimeInstance();

        assertThat(restarted.list(testLabels())).singleElement().satisfies(c -> {
            assertThat(c.id()).isEqualTo(id);
            assertThat(c.running()).isTrue();
        });
        assertThat(restarted.inspect(id)).isPresent();
    }

    @Test
    void versionNamesTheEngine() {
        assertThat(runtime().version()).startsWith(runtime().name() + " ");
    }

    private Map<String, String> labels(String key, String value) {
        Map<String, String> labels = new java.util.HashMap<>(testLabels());
        labels.put(key, value);
        return labels;
    }
}
