package io.staticpod.it;

import com.github.dockerjava.api.command.InspectContainerResponse;
import io.staticpod.runtime.docker.api.DockerApiRuntime;
import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.ExecSync.ExecResult;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.testing.ContainerRuntimeContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testcontainers.DockerClientFactory;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@link DockerApiRuntime} against the local Docker engine: the whole {@link ContainerRuntimeContract}, plus what only
 * Docker shows (dockershim's names and labels, no restart policy, no oom_score_adj, a shareable IPC, a host port
 * taken by another sandbox, an exec probe that times out killed), read back by an independent client (Testcontainers' docker-java). Images:
 * {@code spa.busybox.image} and {@code spa.pause.image} (scripts/lib.sh ensure_images). When Docker or the images
 * are not usable this fails under {@code CI=true} and is skipped, with the reason, elsewhere.
 */
class DockerApiRuntimeContractIT extends ContainerRuntimeContract {

    private static DockerApiRuntime docker;

    @RegisterExtension
    static final ExecutionCondition SKIPPED_WITHOUT_DOCKER_OUTSIDE_CI = DockerEngines.SKIPPED_WITHOUT_DOCKER_OUTSIDE_CI;

    @BeforeAll
    static void dockerAndTheTestImagesAreUsable() {
        DockerEngines.requireUnderCi();
        docker = DockerEngines.api();
    }

    @AfterAll
    static void removeEverythingThisRunCreated() {
        if (docker != null) {
            removeAll(docker, Map.of(RUN_LABEL, RUN));
            docker.close();
        }
    }

    @Override
    protected ContainerRuntime runtime() {
        return docker;
    }

    @Override
    protected ContainerRuntime newRuntimeInstance() {
        return DockerEngines.api();
    }

    @Override
    protected String busyboxImage() {
        return ItEnvironment.BUSYBOX;
    }

    @Test
    void dockerItselfShowsDockershimsNamesAndLabelsNoRestartPolicyNoOomScoreAdjustmentAndAShareableIpc() {
        SandboxConfig pod = pod("observed").attempt(1).annotation("note", "n").build();
        String sandbox = run(pod);
        String app = start(sandbox, pod, busybox("app", SLEEPER));

        InspectContainerResponse pause = DockerClientFactory.instance().client().inspectContainerCmd(sandbox).exec();
        InspectContainerResponse seen = DockerClientFactory.instance().client().inspectContainerCmd(app).exec();

        String suffix = pod.metadata().name() + "_" + NAMESPACE + "_" + pod.metadata().uid();
        assertThat(pause.getName()).isEqualTo("/k8s_POD_" + suffix + "_1");
        assertThat(seen.getName()).isEqualTo("/k8s_app_" + suffix + "_0");
        assertThat(pause.getConfig().getLabels()).containsAllEntriesOf(testLabels())
                .containsEntry("io.kubernetes.docker.type", "podsandbox").containsEntry("annotation.note", "n");
        assertThat(seen.getConfig().getLabels()).containsEntry("io.kubernetes.docker.type", "container")
                .containsEntry("io.kubernetes.sandbox.id", sandbox);
        assertThat(pause.getHostConfig().getIpcMode()).isEqualTo("shareable");
        assertThat(seen.getHostConfig().getNetworkMode()).isEqualTo("container:" + sandbox);
        assertThat(seen.getHostConfig().getIpcMode()).isEqualTo("container:" + sandbox);
        for (InspectContainerResponse c : new InspectContainerResponse[]{pause, seen}) {
            assertThat(c.getHostConfig().getRestartPolicy().getName()).isIn("no", "");
            assertThat(c.getHostConfig().getOomScoreAdj()).isIn(null, 0);
        }
    }

    @Test
    void anExecThatTimesOutIsKilledNotLeftRunningInTheContainer() {
        SandboxConfig pod = pod("exec-timeout-kill").build();
        String id = start(run(pod), pod, busybox("app", SLEEPER));

        ExecResult result = docker.exec().orElseThrow().exec(id, List.of("sleep", "602"), Duration.ofSeconds(1));

        assertThat(result.timedOut()).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> !docker.exec().orElseThrow()
                .exec(id, List.of("ps"), Duration.ofSeconds(30)).output().contains("sleep 602"));
    }

    @Test
    void aHostPortTakenByAnotherSandboxIsRefused() throws Exception {
        int hostPort;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            hostPort = free.getLocalPort();
        }
        run(pod("port-a").port(80, hostPort, "127.0.0.1").build());

        assertThatThrownBy(() -> run(pod("port-b").port(80, hostPort, "127.0.0.1").build()))
                .isInstanceOf(RuntimeError.Refused.class).hasMessageContaining(Integer.toString(hostPort));
        assertThat(docker.sandboxes().list(labels("x", "y"))).isEmpty();
        assertThat(docker.snapshot(testLabels()).sandboxes()).hasSize(1);
    }
}
