package io.staticpod.agent.metrics;

import io.staticpod.agent.launch.EnvResolver;
import io.staticpod.agent.launch.LaunchConfigs;
import io.staticpod.agent.launch.Volumes;
import io.staticpod.agent.testing.TestPods;
import io.staticpod.manifest.StaticPod;
import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.testing.FakeContainerRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

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
        LaunchConfigs launch = new LaunchConfigs(TestPods.NODE, new Volumes(root),
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

    private static String scrape(AgentMetrics metrics) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        metrics.write(out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
