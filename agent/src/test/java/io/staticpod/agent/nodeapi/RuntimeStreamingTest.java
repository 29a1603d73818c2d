package io.staticpod.agent.nodeapi;

import io.staticpod.manifest.StaticPod;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.StreamingUrls;
import io.staticpod.runtime.spi.testing.FakeContainerRuntime;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Exec, attach and port-forward of a static pod turned into the runtime's streaming calls, on the pod cache's ids. */
class RuntimeStreamingTest {
    final List<String> calls = new ArrayList<>();
    final StreamingUrls urls = new StreamingUrls() {
        @Override
        public URI exec(String containerId, List<String> command, StreamOptions options) {
            calls.add("exec " + containerId + " " + command + " " + options);
            return URI.create("http://127.0.0.1:1/exec/t");
        }

        @Override
        public URI attach(String containerId, StreamOptions options) {
            calls.add("attach " + containerId + " " + options);
            return URI.create("http://127.0.0.1:1/attach/t");
        }

        @Override
        public URI portForward(String sandboxId, List<Integer> ports) {
            calls.add("portforward " + sandboxId + " " + ports);
            return URI.create("http://127.0.0.1:1/portforward/t");
        }
    };
    final Streaming streaming = new RuntimeStreaming(urls);
    final StaticPod pod = FakePods.staticPod("kube-system", "etcd", "etcd", "sidecar");
    final StaticPodView view = new StaticPodView(pod, null, StaticPodView.Live.of(
            name -> Optional.ofNullable(Map.of("etcd", "c-running").get(name)), () -> Optional.of("s-ready")));

    Streaming.Request request(Streaming.Kind kind, String container, List<String> command, boolean stdin,
                              boolean tty, List<Integer> ports) {
        return new Streaming.Request(kind, view, container, command, stdin, true, true, tty, ports);
    }

    @Test
    void execGoesToTheRunningInstanceWithTheCommandAndItsStreams() {
        URI url = streaming.url(request(Streaming.Kind.EXEC, "etcd", List.of("sh", "-c", "echo hi"), true, false,
                List.of()));

        assertThat(url).hasPath("/exec/t");
        assertThat(calls).containsExactly("exec c-running [sh, -c, echo hi] StreamOptions[stdin=true, stdout=true,"
                + " stderr=true, tty=false]");
    }

    @Test
    void withATerminalStderrIsDroppedAsTheKubeletDoes() {
        streaming.url(request(Streaming.Kind.EXEC, "etcd", List.of("sh"), true, true, List.of()));
        streaming.url(request(Streaming.Kind.ATTACH, "etcd", List.of(), false, true, List.of()));

        assertThat(calls).containsExactly(
                "exec c-running [sh] StreamOptions[stdin=true, stdout=true, stderr=false, tty=true]",
                "attach c-running StreamOptions[stdin=false, stdout=true, stderr=false, tty=true]");
    }

    @Test
    void portForwardGoesToThePodsReadySandboxWithThePortsInOrder() {
        streaming.url(request(Streaming.Kind.PORT_FORWARD, null, List.of(), false, false, List.of(8080, 53)));

        assertThat(calls).containsExactly("portforward s-ready [8080, 53]");
    }

    @Test
    void aContainerThatIsNotRunningIsNotFoundAndTheRuntimeIsNotAsked() {
        assertThatThrownBy(() -> streaming.url(request(Streaming.Kind.EXEC, "sidecar", List.of("sh"), false, false,
                List.of()))).isInstanceOf(RuntimeError.NotFound.class)
                .hasMessage("container \"sidecar\" in pod \"etcd-node-1\" is not running");
        StaticPodView noSandbox = new StaticPodView(pod, null, StaticPodView.Live.of(n -> Optional.empty(),
                Optional::empty));
        assertThatThrownBy(() -> streaming.url(new Streaming.Request(Streaming.Kind.PORT_FORWARD, noSandbox, null,
                List.of(), false, false, false, false, List.of(80)))).isInstanceOf(RuntimeError.NotFound.class)
                .hasMessageContaining("has no ready sandbox");
        assertThat(calls).isEmpty();
    }

    @Test
    void aRequestTheRuntimeCannotBeAskedIsABadRequest() {
        assertThatThrownBy(() -> streaming.url(request(Streaming.Kind.EXEC, "etcd", List.of(), false, false,
                List.of()))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a command");
        assertThatThrownBy(() -> streaming.url(request(Streaming.Kind.PORT_FORWARD, null, List.of(), false, false,
                List.of(70000)))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("70000");
        assertThat(calls).isEmpty();
    }

    @Test
    void aRuntimeWithoutAStreamingServerIsAnsweredWithWhichRuntimesHaveOne() {
        Streaming docker = Streaming.of(new FakeContainerRuntime(InstantSource.system()));

        assertThatThrownBy(() -> docker.url(request(Streaming.Kind.PORT_FORWARD, null, List.of(), false, false,
                List.of(80)))).isInstanceOf(StaticPodLogs.Unsupported.class)
                .hasMessage("port-forward is not served for runtime fake by this agent: exec, attach and port-forward"
                        + " need a runtime driven through its API (--runtime docker, --runtime containerd or --runtime"
                        + " cri)");
    }

    @Test
    void aViewWithoutThePodCacheFallsBackToTheRunningContainerOfItsStatus() {
        StaticPodView fromStatus = new StaticPodView(pod, null);

        assertThat(fromStatus.runningContainerId("etcd")).isEmpty();
        assertThat(view.runningContainerId("etcd")).contains("c-running");
        assertThat(view.runningContainerId("sidecar")).isEmpty();
    }
}
