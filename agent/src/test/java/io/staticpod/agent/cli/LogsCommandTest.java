package io.staticpod.agent.cli;

import io.staticpod.agent.testing.FakeHostMounts;
import io.staticpod.agent.launch.EnvResolver;
import io.staticpod.agent.launch.LaunchConfigs;
import io.staticpod.agent.launch.Volumes;
import io.staticpod.agent.testing.TestPods;
import io.staticpod.config.AgentConfig;
import io.staticpod.manifest.StaticPod;
import io.staticpod.runtime.spi.Capabilities;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.testing.FakeContainerRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code static-pod-agent logs}: a static pod's logs read through the runtime SPI, here the in-memory fake. */
class LogsCommandTest {
    @TempDir
    Path root;
    FakeContainerRuntime runtime = new FakeContainerRuntime(InstantSource.system());
    final AtomicReference<AgentConfig> opened = new AtomicReference<>();
    final Map<String, String> sandboxes = new HashMap<>();
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int logs(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "logs";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--hostname-override";
        all[args.length + 2] = TestPods.NODE;
        return Commands.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), config -> {
                    opened.set(config);
                    return runtime;
                });
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /**
     * Runs the pod's containers as the agent creates them (its labels), attempt {@code attempt}, in the pod's one
     * sandbox; returns their ids.
     */
    String[] run(StaticPod pod, int attempt) throws Exception {
        runtime.addImage(TestPods.BUSYBOX);
        LaunchConfigs launch = new LaunchConfigs(TestPods.NODE, new Volumes(root, new FakeHostMounts()),
                new EnvResolver(TestPods.NODE, "192.0.2.1", 1, 1L << 30), null);
        SandboxConfig sandbox = launch.sandbox(pod, 0);
        String sandboxId = sandboxes.computeIfAbsent(pod.uid(), uid -> runtime.sandboxes().run(sandbox));
        var containers = pod.pod().spec().containers();
        String[] ids = new String[containers.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = runtime.containers().create(sandboxId, launch.container(pod, containers.get(i), attempt,
                    launch.prepare(pod, null)), sandbox);
            runtime.containers().start(ids[i]);
        }
        return ids;
    }

    @Test
    void printsTheOnlyContainersLogByTheManifestsPodNameOrTheMirrorsName() throws Exception {
        String id = run(TestPods.pod("web", ""), 0)[0];
        runtime.appendLog(id, "one");
        runtime.appendLog(id, "two");

        assertThat(logs("web")).as(err()).isZero();
        assertThat(logs("web-" + TestPods.NODE, "app")).as(err()).isZero();

        assertThat(out()).isEqualTo("one\ntwo\none\ntwo\n");
        assertThat(opened.get().nodeName()).isEqualTo(TestPods.NODE);
    }

    @Test
    void tailAndTimestampsAsKubectlLogsHasThem() throws Exception {
        String id = run(TestPods.pod("web", ""), 0)[0];
        runtime.appendLog(id, "one");
        runtime.appendLog(id, "two");

        assertThat(logs("web", "--tail", "1", "--timestamps")).as(err()).isZero();

        assertThat(out()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z two\n");
    }

    @Test
    void previousReadsTheInstanceBeforeTheNewestAndSaysSoWhenThereIsNone() throws Exception {
        StaticPod pod = TestPods.pod("web", "");
        String first = run(pod, 0)[0];
        runtime.appendLog(first, "first life");
        assertThat(logs("web", "--previous")).isEqualTo(Commands.PROBLEMS);
        assertThat(err()).contains("previous terminated container \"app\" in pod \"web-n1\" not found");

        runtime.exit(first, 1); // waiting to restart: the last run is the previous one, as on a kubelet
        assertThat(logs("web", "--previous")).as(err()).isZero();
        String second = run(pod, 1)[0];
        runtime.appendLog(second, "second life");
        assertThat(logs("web", "-p")).as(err()).isZero();
        assertThat(logs("web")).as(err()).isZero();

        assertThat(out()).isEqualTo("first life\nfirst life\nsecond life\n");
    }

    @Test
    void followPrintsLinesAsTheyComeUntilTheContainerEnds() throws Exception {
        String id = run(TestPods.pod("web", ""), 0)[0];
        runtime.appendLog(id, "before");
        CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> logs("web", "-f"));
        await().atMost(Duration.ofSeconds(10)).until(() -> out().equals("before\n"));
        runtime.appendLog(id, "after");
        await().atMost(Duration.ofSeconds(10)).until(() -> out().equals("before\nafter\n"));
        assertThat(code).isNotDone();

        runtime.exit(id, 0);

        assertThat(code).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(Commands.OK);
    }

    @Test
    void anUnknownPodIsAnErrorListingTheStaticPods() throws Exception {
        run(TestPods.pod("web", ""), 0);
        run(TestPods.pod("db", ""), 0);

        assertThat(logs("nope")).isEqualTo(Commands.PROBLEMS);

        assertThat(err()).contains("no static pod \"nope\" on node n1; its static pods: default/db-n1, default/web-n1");
        assertThat(out()).isEmpty();
    }

    @Test
    void severalContainersWithoutOneNamedIsAnErrorNamingThem() throws Exception {
        run(TestPods.parse("two", """
                apiVersion: v1
                kind: Pod
                metadata: {name: two}
                spec:
                  containers:
                  - {name: main, image: %s}
                  - {name: side, image: %s}
                """.formatted(TestPods.BUSYBOX, TestPods.BUSYBOX)), 0);

        assertThat(logs("two")).isEqualTo(Commands.PROBLEMS);
        assertThat(err()).contains("static pod \"two-n1\" has several containers: main, side; name one:"
                + " static-pod-agent logs two-n1 CONTAINER");
        assertThat(logs("two", "other")).isEqualTo(Commands.PROBLEMS);
        assertThat(err()).contains("container \"other\" not found in static pod \"two-n1\"; its containers: main, side");
    }

    @Test
    void aRuntimeWithoutLogsIsAnErrorNamingTheRuntimesThatHaveThem() throws Exception {
        runtime = new FakeContainerRuntime(InstantSource.system(),
                new Capabilities(true, true, true, true, false, false));
        run(TestPods.pod("web", ""), 0);

        assertThat(logs("web", "--runtime", "docker-cli")).isEqualTo(Commands.PROBLEMS);

        assertThat(err()).contains("runtime docker-cli at unix:///var/run/docker.sock keeps no logs this agent can"
                + " read; the runtimes with logs are docker (the Docker Engine API), ctr, containerd and cri");
    }

    @Test
    void badCommandLinesAreUsageErrors() {
        assertThat(logs()).isEqualTo(Commands.USAGE);
        assertThat(logs("a", "b", "c")).isEqualTo(Commands.USAGE);
        assertThat(logs("web", "--tail", "x")).isEqualTo(Commands.USAGE);
        assertThat(logs("web", "--since", "5s")).isEqualTo(Commands.USAGE);
        assertThat(err()).contains("logs: --tail: \"x\" is not a number of lines").contains("unknown flag --since");
        assertThat(opened.get()).isNull();
    }
}
