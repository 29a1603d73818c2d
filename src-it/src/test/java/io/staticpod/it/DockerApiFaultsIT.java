package io.staticpod.it;

import io.staticpod.it.faults.UnixSocketFaults;
import io.staticpod.runtime.docker.api.DockerApiRuntime;
import io.staticpod.runtime.spi.ContainerEvent;
import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.ContainerState;
import io.staticpod.runtime.spi.ContainerSummary;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.testing.ContractFixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The Docker Engine API adapter when the engine misbehaves: a dockerd of the test's own stopped and started again,
 * and its socket removed; a socket that accepts and never answers; an engine that refuses our API version; the
 * event stream cut in the middle of a line by a proxy in front of the real engine. Needs Docker for the first and
 * the last (fails under CI without it, skips elsewhere); the other two need nothing but a socket.
 */
class DockerApiFaultsIT extends ContractFixtures {

    @TempDir
    Path dir;

    private ContainerRuntime current;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void closeWhatTheTestOpened() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closing(T closeable) {
        closing.add(closeable);
        return closeable;
    }

    @Override
    protected ContainerRuntime runtime() {
        return current;
    }

    @Override
    protected ContainerRuntime newRuntimeInstance() {
        throw new UnsupportedOperationException();
    }

    @Override
    protected String busyboxImage() {
        return ItEnvironment.BUSYBOX;
    }

    private static void requireDocker() {
        DockerEngines.requireUnderCi();
        org.junit.jupiter.api.Assumptions.assumeTrue(DockerEngines.problem() == null,
                () -> DockerEngines.problem() + " (skipped because CI is not true)");
    }

    @Test
    void aDockerdStoppedOrWithoutItsSocketIsUnavailableAndWorksAgainWhenBackWithAResync() throws Exception {
        requireDocker();
        PrivateRuntime.Dockerd dockerd = closing(new PrivateRuntime.Dockerd());
        dockerd.start();
        dockerd.loadImages();
        Path socket = dockerd.dir.resolve("docker.sock");
        DockerApiRuntime docker = closing(DockerApiRuntime.connect("unix://" + socket, Duration.ofSeconds(10),
                ItEnvironment.PAUSE));
        current = docker;
        List<ContainerEvent> events = new CopyOnWriteArrayList<>();
        closing(docker.events().orElseThrow().subscribe(testLabels(), events::add));
        SandboxConfig pod = pod("restarted").build();
        String sandbox = run(pod);
        String app = start(sandbox, pod, busybox("app", SLEEPER));

        dockerd.stop();

        assertThatThrownBy(docker::version).isInstanceOf(RuntimeError.Unavailable.class)
                .hasMessageContaining(socket.toString());
        assertThatThrownBy(() -> docker.snapshot(testLabels())).isInstanceOf(RuntimeError.Unavailable.class);
        assertThat(events).noneMatch(e -> e.type() == ContainerEvent.Type.RESYNC);

        dockerd.start();

        await().atMost(PATIENCE).ignoreExceptions().until(() -> docker.version() != null);
        assertThat(docker.snapshot(testLabels()).containers()).extracting(ContainerSummary::id, ContainerSummary::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(app, ContainerState.EXITED));
        await().atMost(PATIENCE).until(() -> events.stream().anyMatch(e -> e.type() == ContainerEvent.Type.RESYNC));
        String later = start(run(pod("after").build()), pod("after").build(), busybox("later", "exit 3"));
        await().atMost(PATIENCE).until(() -> events.stream().anyMatch(e -> e.type() == ContainerEvent.Type.EXITED
                && later.equals(e.containerId()) && Integer.valueOf(3).equals(e.exitCode())));

        Files.delete(socket);
        try (DockerApiRuntime fresh = DockerApiRuntime.connect("unix://" + socket, Duration.ofSeconds(10),
                ItEnvironment.PAUSE)) {
            assertThatThrownBy(fresh::version).isInstanceOf(RuntimeError.Unavailable.class);
            dockerd.stop();
            dockerd.start();
            assertThat(fresh.version().runtimeName()).isEqualTo("docker");
            assertThat(docker.snapshot(testLabels()).containers()).hasSize(2);
        }
        removeAll(docker, testLabels());
    }

    @Test
    void everyCallToAnEngineThatNeverAnswersEndsTimedOutByItsDeadlineWithoutHoldingUpOthers() throws Exception {
        UnixSocketFaults silent = closing(UnixSocketFaults.silent(dir.resolve("silent.sock")));
        DockerApiRuntime docker = closing(DockerApiRuntime.connect(silent.endpoint(), Duration.ofSeconds(2),
                ItEnvironment.PAUSE));
        List<Supplier<Object>> calls = List.of(docker::version, () -> docker.snapshot(Map.of()),
                () -> docker.containers().status("abc"), () -> docker.images().status("x:1"),
                () -> {
                    docker.containers().start("abc");
                    return null;
                },
                () -> docker.sandboxes().run(pod("silent").build()));
        // more at once than there are connections: those waiting for one time out by their deadline too
        List<CompletableFuture<Throwable>> running = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < 40; i++) {
            Supplier<Object> call = calls.get(i % calls.size());
            running.add(CompletableFuture.supplyAsync(() -> {
                try {
                    call.get();
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            }, runnable -> new Thread(runnable, "silent-call").start()));
        }

        for (CompletableFuture<Throwable> call : running) {
            assertThat(call.get(30, TimeUnit.SECONDS)).isInstanceOf(RuntimeError.TimedOut.class)
                    .hasMessageContaining(silent.endpoint());
        }
        Duration all = Duration.ofNanos(System.nanoTime() - started);
        // the negotiation's deadline, then the call's own: never one deadline per call in a row
        assertThat(all).isLessThan(Duration.ofSeconds(10));
        assertThat(silent.accepted.get()).isGreaterThan(1);
        await().atMost(PATIENCE).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("silent-call") && t.isAlive()));
    }

    @Test
    void anEngineRefusingOurApiVersionIsOneRefusalNamingBothVersions() throws Exception {
        UnixSocketFaults newer = closing(UnixSocketFaults.answering(dir.resolve("newer.sock"), line ->
                line.startsWith("GET /_ping") ? UnixSocketFaults.answer(200, "Api-Version: 1.52\r\n", "OK")
                        : UnixSocketFaults.answer(400, "Content-Type: application/json\r\n", "{\"message\":\"client"
                        + " version 1.41 is too old. Minimum supported API version is 1.44, please upgrade your"
                        + " client to a newer version\"}\n")));
        DockerApiRuntime docker = closing(DockerApiRuntime.connect(newer.endpoint(), Duration.ofSeconds(5),
                ItEnvironment.PAUSE));

        assertThatThrownBy(docker::version).isInstanceOf(RuntimeError.Refused.class)
                .hasMessageContaining("API version 1.41").hasMessageContaining("at least 1.44")
                .hasNoCause();
        assertThatThrownBy(() -> docker.snapshot(Map.of())).isInstanceOf(RuntimeError.Refused.class)
                .hasMessageContaining("1.44");
    }

    @Test
    void anEventStreamCutInTheMiddleOfALineIsFollowedByAResyncAndLaterExitsStillArrive() throws Exception {
        requireDocker();
        UnixSocketFaults.Proxy proxy = closing(UnixSocketFaults.proxy(dir.resolve("proxy.sock"),
                Path.of("/var/run/docker.sock"), "/events"));
        DockerApiRuntime docker = closing(DockerApiRuntime.connect(proxy.endpoint(), Duration.ofSeconds(10),
                ItEnvironment.PAUSE));
        current = docker;
        closing(() -> removeAll(docker, testLabels()));
        List<ContainerEvent> events = new CopyOnWriteArrayList<>();
        closing(docker.events().orElseThrow().subscribe(testLabels(), events::add));
        SandboxConfig pod = pod("cut").build();
        String sandbox = run(pod);
        String before = start(sandbox, pod, busybox("before", "exit 1"));
        await().atMost(PATIENCE).until(() -> exited(events, before, 1));

        proxy.cutNext();
        String during = start(sandbox, pod, busybox("during", "exit 2"));

        await().atMost(PATIENCE).until(() -> proxy.cuts.get() == 1);
        await().atMost(PATIENCE).until(() -> events.stream().anyMatch(e -> e.type() == ContainerEvent.Type.RESYNC));
        String after = start(sandbox, pod, busybox("after", "exit 3"));
        await().atMost(PATIENCE).until(() -> exited(events, after, 3));
        assertThat(events).filteredOn(e -> e.type() == ContainerEvent.Type.RESYNC).hasSize(1);
        assertThat(events).allSatisfy(e -> assertThat(e.type() == ContainerEvent.Type.RESYNC
                || e.containerId().matches("[0-9a-f]{64}")).isTrue());
        assertThat(status(during).exited()).isTrue();
    }

    private static boolean exited(List<ContainerEvent> events, String id, int code) {
        return events.stream().anyMatch(e -> e.type() == ContainerEvent.Type.EXITED && id.equals(e.containerId())
                && Integer.valueOf(code).equals(e.exitCode()));
    }
}
