package io.staticpod.agent.metrics;

import io.staticpod.agent.testing.FakeHostMounts;
import io.staticpod.agent.launch.EnvResolver;
import io.staticpod.agent.launch.LaunchConfigs;
import io.staticpod.agent.launch.Volumes;
import io.staticpod.agent.testing.TestPods;
import io.staticpod.manifest.StaticPod;
import io.staticpod.runtime.spi.Capabilities;
import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.StreamingUrls;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.testing.FakeContainerRuntime;
import io.staticpod.runtime.spi.ForwardingContainerRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every runtime call is timed under the kubelet's name for the CRI call, and failures are counted. */
class MeteredContainerRuntimeTest {
    @TempDir
    Path root;

    @Test
    void callsAreTimedByOperationAndFailuresCounted() throws Exception {
        FakeContainerRuntime fake = new FakeContainerRuntime(Instant::now);
        fake.addImage(TestPods.BUSYBOX);
        AgentMetrics metrics = new AgentMetrics(Map::of);
        ContainerRuntime runtime = metrics.meter(fake);
        StaticPod pod = TestPods.pod("web", "");
        LaunchConfigs launch = new LaunchConfigs(TestPods.NODE, new Volumes(root, new FakeHostMounts()),
                new EnvResolver(TestPods.NODE, "192.0.2.1", 1, 1L << 30), null);
        SandboxConfig sandbox = launch.sandbox(pod, 0);

        String sandboxId = runtime.sandboxes().run(sandbox);
        runtime.snapshot(launch.ownerSelector());
        fake.refuseNext(FakeContainerRuntime.Call.CREATE, "no");
        assertThatThrownBy(() -> runtime.containers().create(sandboxId, launch.container(pod,
                pod.pod().spec().containers().get(0), 0, launch.prepare(pod, null)), sandbox))
                .isInstanceOf(RuntimeError.Refused.class);

        String text = scrape(metrics);
        assertThat(text).contains(
                "static_pod_agent_runtime_operations_duration_seconds_count{operation=\"run_podsandbox\"} 1",
                "static_pod_agent_runtime_operations_duration_seconds_count{operation=\"snapshot\"} 1",
                "static_pod_agent_runtime_operations_duration_seconds_count{operation=\"create_container\"} 1",
                "static_pod_agent_runtime_operations_errors_total{operation=\"create_container\"} 1.0");
        assertThat(text).doesNotContain("static_pod_agent_runtime_operations_errors_total{operation=\"run_podsandbox\"}");
        assertThat(runtime.capabilities()).isEqualTo(fake.capabilities());
        assertThat(runtime.exec()).isPresent();
    }

    @Test
    void theRuntimesStreamingUrlsPassThroughTimedSoThatTheNodeApiSeesThem() throws Exception {
        FakeContainerRuntime fake = new FakeContainerRuntime(Instant::now);
        StreamingUrls urls = new StreamingUrls() {
            @Override
            public URI exec(String containerId, List<String> command, StreamOptions options) {
                return URI.create("http://127.0.0.1:1/exec/" + containerId);
            }

            @Override
            public URI attach(String containerId, StreamOptions options) {
                return URI.create("http://127.0.0.1:1/attach/" + containerId);
            }

            @Override
            public URI portForward(String sandboxId, List<Integer> ports) {
                return URI.create("http://127.0.0.1:1/portforward/" + sandboxId);
            }
        };
        AgentMetrics metrics = new AgentMetrics(Map::of);
        ContainerRuntime runtime = metrics.meter(new Streams(fake, urls));

        assertThat(runtime.streaming()).isPresent();
        assertThat(runtime.streaming().get().exec("c1", List.of("date"), StreamingUrls.StreamOptions.OUTPUT))
                .hasToString("http://127.0.0.1:1/exec/c1");
        assertThat(runtime.streaming().get().portForward("s1", List.of(80)))
                .hasToString("http://127.0.0.1:1/portforward/s1");
        assertThat(scrape(metrics)).contains(
                "static_pod_agent_runtime_operations_duration_seconds_count{operation=\"exec\"} 1",
                "static_pod_agent_runtime_operations_duration_seconds_count{operation=\"port_forward\"} 1");
    }

    /** The fake with a streaming server, and saying so in its capabilities. */
    private static final class Streams extends ForwardingContainerRuntime {
        private final StreamingUrls urls;

        Streams(FakeContainerRuntime fake, StreamingUrls urls) {
            super(fake);
            this.urls = urls;
        }

        @Override
        public String name() {
            return "streams";
        }

        @Override
        public Capabilities capabilities() {
            Capabilities c = super.capabilities();
            return new Capabilities(c.podNetwork(), c.hostPorts(), c.exec(), c.exitEvents(), c.logs(), c.logFiles(),
                    c.runAsUser(), c.multiLineEnv(), c.logRotation(), true);
        }

        @Override
        public Optional<StreamingUrls> streaming() {
            return Optional.of(urls);
        }

        @Override
        public void close() {
        }
    }

    private static String scrape(AgentMetrics metrics) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        metrics.write(out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
