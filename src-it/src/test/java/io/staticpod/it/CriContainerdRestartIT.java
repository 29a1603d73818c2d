package io.staticpod.it;

import io.staticpod.runtime.cri.CriRuntime;
import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.ContainerSummary;
import io.staticpod.runtime.spi.DnsConfig;
import io.staticpod.runtime.spi.NamespaceOptions;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.RuntimeSnapshot;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.SandboxMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * containerd restarted under running pods, on a containerd of the test's own ({@link PrivateCriContainerd}): the
 * containers keep running under their shims, and afterwards the same containers and sandbox are listed again, still
 * running, with the same address, and still serving. While it is down, calls fail as Unavailable.
 */
class CriContainerdRestartIT {
    private PrivateCriContainerd containerd;

    @BeforeEach
    void aContainerdOfItsOwn() throws Exception {
        CriTestRuntime.require();
        containerd = new PrivateCriContainerd();
        Files.writeString(containerd.cniConf.resolve("10-static-pod-agent.conflist"), containerd.networkConfig());
        containerd.start();
        containerd.loadImages();
    }

    @AfterEach
    void removeIt() throws Exception {
        if (containerd != null) {
            containerd.close();
        }
    }

    @Test
    void runningContainersKeepRunningUnderTheirShimsAndAreListedAgainAfterARestart() throws Exception {
        CriRuntime cri = containerd.client();
        Map<String, String> labels = Map.of("spa.test.restart", "1");
        SandboxConfig pod = new SandboxConfig(new SandboxMetadata("spa-restart", "spa-test", "uid-restart", 0),
                "restart", null, DnsConfig.NODE, List.of(), labels, Map.of(), NamespaceOptions.POD, Map.of(), false);
        String sandbox = cri.sandboxes().run(pod);
        String web = cri.containers().create(sandbox, ContainerConfig.builder("web", 0, ItEnvironment.BUSYBOX)
                .command(List.of("sh", "-c", "mkdir -p /www && echo survived > /www/index.html"
                        + " && exec httpd -f -p 8080 -h /www")).labels(labels).build(), pod);
        cri.containers().start(web);
        String ip = cri.sandboxes().status(sandbox).orElseThrow().ip();
        java.time.Instant started = cri.containers().status(web).orElseThrow().startedAt();
        assertThat(CriRuntimeIT.get(URI.create("http://" + ip + ":8080/"))).isEqualTo("survived\n");

        containerd.stop();
        assertThatThrownBy(() -> cri.containers().list(labels)).isInstanceOf(RuntimeError.Unavailable.class);
        // the shim and the container live on without containerd
        assertThat(CriRuntimeIT.get(URI.create("http://" + ip + ":8080/"))).isEqualTo("survived\n");
        containerd.start();

        RuntimeSnapshot after = containerd.client().snapshot(labels);
        assertThat(after.sandboxes()).singleElement().satisfies(s -> {
            assertThat(s.id()).isEqualTo(sandbox);
            assertThat(s.ready()).isTrue();
        });
        assertThat(after.containers()).extracting(ContainerSummary::id, ContainerSummary::running)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(web, true));
        assertThat(cri.sandboxes().status(sandbox).orElseThrow().ip()).isEqualTo(ip);
        assertThat(cri.containers().status(web).orElseThrow().startedAt()).as("the same process").isEqualTo(started);
        assertThat(CriRuntimeIT.get(URI.create("http://" + ip + ":8080/"))).isEqualTo("survived\n");
    }
}
