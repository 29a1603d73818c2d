package io.staticpod.agent;

import io.staticpod.config.AgentConfig;
import io.staticpod.config.AgentConfig.RuntimeKind;
import io.staticpod.runtime.cri.CriRuntime;
import io.staticpod.runtime.ctr.CtrPodRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RuntimeAdaptersTest {
    @TempDir
    Path dir;

    @Test
    void containerdAndCriOpenTheCriAdapterOnTheirEndpointWithTheRuntimesOwnSandboxImage() {
        String socket = "unix://" + dir.resolve("cri.sock");
        for (RuntimeKind kind : List.of(RuntimeKind.CONTAINERD, RuntimeKind.CRI)) {
            RuntimeAdapters.Opened opened = RuntimeAdapters.open(config(kind, socket));
            try {
                assertThat(opened.runtime()).isInstanceOf(CriRuntime.class);
                assertThat(((CriRuntime) opened.runtime()).settings().endpoint()).isEqualTo(socket);
                assertThat(opened.sandboxImage()).as("the runtime's own, never pulled by the agent").isNull();
                assertThat(opened.runtimeSandboxImage()).isNotNull();
            } finally {
                opened.runtime().close();
            }
        }
    }

    @Test
    void containerdWithoutAnEndpointIsContainerdsSocket() {
        RuntimeAdapters.Opened opened = RuntimeAdapters.open(config(RuntimeKind.CONTAINERD, null));
        try {
            assertThat(((CriRuntime) opened.runtime()).settings().endpoint())
                    .isEqualTo("unix:///run/containerd/containerd.sock");
        } finally {
            opened.runtime().close();
        }
    }

    @Test
    void ctrStaysTheCtrAdapterWithTheAgentsPauseImage() {
        RuntimeAdapters.Opened opened = RuntimeAdapters.open(config(RuntimeKind.CTR, "unix://" + dir.resolve("c.sock")));
        assertThat(opened.runtime()).isInstanceOf(CtrPodRuntime.class);
        assertThat(opened.sandboxImage()).isEqualTo("pause:test");
        assertThat(opened.runtimeSandboxImage()).isNull();
    }

    private AgentConfig config(RuntimeKind kind, String endpoint) {
        return new AgentConfig(dir, Duration.ofSeconds(20), Duration.ofMinutes(1), "node-1", kind, "pause:test", dir,
                "127.0.0.1", 0, null, "INFO", List.of(), Map.of(), endpoint);
    }
}
