package io.staticpod.it;

import io.staticpod.runtime.cri.CriRuntime;
import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.ContainerStatus;
import io.staticpod.runtime.spi.DnsConfig;
import io.staticpod.runtime.spi.NamespaceMode;
import io.staticpod.runtime.spi.NamespaceOptions;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.SandboxMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pod networking that cannot work, on a containerd of the test's own ({@link PrivateCriContainerd}): no CNI
 * configuration, a broken one, a plugin missing. Each time RunPodSandbox of a pod-network sandbox is refused with the
 * runtime's own words, and a sandbox on the node's network runs regardless; once the network is right again, pods
 * get an address. containerd reloads its CNI directory by itself, so the test waits for each change to take.
 */
class CriNetworkFaultsIT {
    static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final AtomicInteger PODS = new AtomicInteger();
    private static PrivateCriContainerd containerd;

    @BeforeAll
    static void aContainerdOfItsOwn() throws Exception {
        CriTestRuntime.require();
        containerd = new PrivateCriContainerd();
        containerd.start();
        containerd.loadImages();
    }

    @AfterAll
    static void removeIt() throws Exception {
        if (containerd != null) {
            containerd.close();
        }
    }

    static SandboxConfig pod(boolean hostNetwork) {
        String name = "spa-net-" + PODS.incrementAndGet();
        return new SandboxConfig(new SandboxMetadata(name, "spa-test", UUID.randomUUID().toString(), 0), name, null,
                DnsConfig.NODE, List.of(), Map.of("spa.test.net", "1"), Map.of(),
                hostNetwork ? new NamespaceOptions(NamespaceMode.NODE, NamespaceMode.CONTAINER, NamespaceMode.POD)
                        : NamespaceOptions.POD, Map.of(), false);
    }

    /** The refusal of a pod-network sandbox, once it names {@code expected}. */
    static RuntimeError refusalNaming(String expected) {
        CriRuntime cri = containerd.client();
        return await().atMost(PATIENCE).pollInterval(Duration.ofMillis(300)).alias("RunPodSandbox refused naming "
                + expected).until(() -> {
                    try {
                        String id = cri.sandboxes().run(pod(false));
                        cri.sandboxes().stop(id);
                        cri.sandboxes().remove(id);
                        return null;
                    } catch (RuntimeError e) {
                        return e;
                    }
                }, e -> e != null && e.getMessage().contains(expected));
    }

    static void aHostNetworkPodRuns() {
        CriRuntime cri = containerd.client();
        SandboxConfig pod = pod(true);
        String sandbox = cri.sandboxes().run(pod);
        String id = cri.containers().create(sandbox, ContainerConfig.builder("app", 0, ItEnvironment.BUSYBOX)
                .command(List.of("sh", "-c", "exit 7")).build(), pod);
        cri.containers().start(id);
        ContainerStatus exited = await().atMost(PATIENCE).until(() -> cri.containers().status(id).orElseThrow(),
                ContainerStatus::exited);
        assertThat(exited.exitCode()).isEqualTo(7);
        assertThat(cri.sandboxes().status(sandbox).orElseThrow().ip()).isNull();
    }

    @Test
    void withoutABrokenOrIncompleteNetworkPodsAreRefusedWithTheRuntimesReasonAndHostNetworkPodsRun()
            throws Exception {
        // no configuration at all
        RuntimeError none = refusalNaming("cni plugin not initialized");
        assertThat(none).isInstanceOf(RuntimeError.Refused.class).hasMessageContaining("RunPodSandbox");
        System.out.println("no CNI configuration: " + none.getMessage());
        aHostNetworkPodRuns();

        // a file that is not a network configuration: containerd reads it (its log names it) and stays without a
        // network; its answer to RunPodSandbox does not name the file
        Files.writeString(containerd.cniConf.resolve("10-broken.conflist"), "{ \"cniVersion\": \"0.4.0\", plugins");
        await().atMost(PATIENCE).alias("containerd read 10-broken.conflist (log: " + containerd.dir + "/daemon.log)")
                .until(() -> Files.readString(containerd.dir.resolve("daemon.log")).contains("10-broken.conflist"));
        RuntimeError broken = refusalNaming("cni plugin not initialized");
        assertThat(broken).isInstanceOf(RuntimeError.Refused.class);
        System.out.println("broken CNI configuration: " + broken.getMessage());
        aHostNetworkPodRuns();

        // a good configuration whose first plugin is missing
        Files.delete(containerd.cniConf.resolve("10-broken.conflist"));
        Files.delete(containerd.cniBin.resolve("bridge"));
        Files.writeString(containerd.cniConf.resolve("10-static-pod-agent.conflist"), containerd.networkConfig());
        RuntimeError missing = refusalNaming("bridge");
        assertThat(missing).isInstanceOf(RuntimeError.Refused.class);
        System.out.println("missing CNI plugin: " + missing.getMessage());
        aHostNetworkPodRuns();

        // the plugin back: a pod gets its address
        Files.createSymbolicLink(containerd.cniBin.resolve("bridge"), java.nio.file.Path.of("/usr/lib/cni/bridge"));
        CriRuntime cri = containerd.client();
        String sandbox = await().atMost(PATIENCE).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                .until(() -> cri.sandboxes().run(pod(false)), id -> id != null);
        assertThat(cri.sandboxes().status(sandbox).orElseThrow().ip())
                .startsWith(containerd.subnet.substring(0, containerd.subnet.lastIndexOf('.')));
    }
}
