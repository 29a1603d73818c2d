package io.staticpod.runtime.ctr;

import io.staticpod.runtime.spi.ContainerState;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.RuntimeSnapshot;
import io.staticpod.runtime.spi.RuntimeVersion;
import io.staticpod.runtime.spi.SandboxState;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static io.staticpod.runtime.exec.FakeCommandRunner.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The runtime as a whole: what it says it can do, who answers, and the relist. */
class CtrPodRuntimeTest extends CtrFixture {


    @Test
    void itSaysItHasNoPodNetworkHostPortsExitEventsUsersOrLineBreaksButExecAndLogsAndCallsNothingToSayIt() {
        CtrPodRuntime runtime = runtime();

        assertThat(runtime.name()).isEqualTo("containerd");
        assertThat(runtime.capabilities().podNetwork()).isFalse();
        assertThat(runtime.capabilities().hostPorts()).isFalse();
        assertThat(runtime.capabilities().exitEvents()).isFalse();
        assertThat(runtime.capabilities().logFiles()).isFalse();
        assertThat(runtime.capabilities().exec()).isTrue();
        assertThat(runtime.capabilities().logs()).isTrue();
        assertThat(runtime.capabilities().runAsUser()).isFalse();
        assertThat(runtime.capabilities().multiLineEnv()).isFalse();
        assertThat(runtime.events()).isEmpty();
        assertThat(runtime.exec()).isPresent();
        assertThat(runtime.logs()).isPresent();
        runtime.close();
        runtime.close();
        assertThat(runner.calls()).isEmpty();
    }

    @Test
    void versionNamesContainerdAndTheCtrClient() {
        expect(ctr("version"), resource("containerd/version.txt"));

        assertThat(runtime().version()).isEqualTo(new RuntimeVersion("containerd", "1.6.20~ds1", "ctr 1.6.20~ds1"));
    }

    @Test
    void aContainerdThatDoesNotAnswerIsUnavailableNamingTheCommand() {
        runner.expect(ctr("version")).returns(1, "Client:\n  Version:  1.6.20~ds1\n",
                "ctr: failed to dial \"" + SOCKET + "\": context deadline exceeded\n");

        assertThatThrownBy(() -> runtime().version()).isInstanceOf(RuntimeError.Unavailable.class)
                .hasMessageContaining("ctr --address " + SOCKET + " --connect-timeout 3s --namespace spa version")
                .hasMessageContaining("context deadline exceeded");
    }

    @Test
    void aSnapshotIsTwoCallsOnceEveryContainerIsKnownAndHoldsOnlyOurSandboxesAndContainersWithTheLabels() {
        String tasks = saved("tasks-ls-both-running.txt") + "0123-not-ours    4242    RUNNING\n";
        expect(ctr("containers", "ls", "-q"), saved("containers-ls-q-both.txt") + "0123-not-ours\n");
        expect(ctr("tasks", "ls"), tasks);
        expect(ctr("containers", "info", APP), saved("info-app-started.json"));
        expect(ctr("containers", "info", SANDBOX), saved("info-sandbox-running.json"));
        expect(ctr("containers", "info", "0123-not-ours"), resource("containerd/info-running.json")
                .replace("\"io.kubernetes.pod.name\": \"web-n1\"", "\"smoke\": \"ctrport\""));
        expect(ctr("containers", "ls", "-q"), saved("containers-ls-q-both.txt") + "0123-not-ours\n");
        expect(ctr("tasks", "ls"), tasks);
        CtrPodRuntime runtime = runtime();

        RuntimeSnapshot first = runtime.snapshot(Map.of("smoke", "ctrport"));
        RuntimeSnapshot second = runtime.snapshot(Map.of("smoke", "ctrport"));

        assertThat(first.sandboxes()).singleElement().satisfies(s -> {
            assertThat(s.id()).isEqualTo(SANDBOX);
            assertThat(s.state()).isEqualTo(SandboxState.READY);
        });
        assertThat(first.containers()).singleElement().satisfies(c -> {
            assertThat(c.id()).isEqualTo(APP);
            assertThat(c.name()).isEqualTo("app");
            assertThat(c.state()).isEqualTo(ContainerState.RUNNING);
            assertThat(c.annotations()).containsExactly(Map.entry("a/b", "c"));
        });
        assertThat(second).isEqualTo(first);
    }

    @Test
    void theFactoryTakesASocketPathOrAUnixUrlAndRefusesAnythingElse() {
        assertThat(CtrPodRuntime.create("unix:///run/x.sock", "ns", "pause", dir, runner)).isNotNull();
        assertThat(CtrPodRuntime.create("/run/x.sock", "ns", "pause", dir, runner)).isNotNull();
        assertThatThrownBy(() -> CtrPodRuntime.create("tcp://1.2.3.4:1", "ns", "pause", dir, runner))
                .hasMessageContaining("not a unix socket");
    }
}
