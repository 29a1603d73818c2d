package io.staticpod.it;

import io.staticpod.runtime.cri.CriRuntime;
import io.staticpod.runtime.cri.CriSettings;
import io.staticpod.runtime.spi.ContainerRuntime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * A containerd of the test's own with its CRI plugin, for an agent on {@code --runtime cri}: the tests' config
 * ({@code _spa_containerd_config}) with its own socket, root, state, CNI configuration (our pod network on a bridge
 * and subnet of its own) and IPAM state; the test images in {@code k8s.io}. Stopped and started again as
 * {@code systemctl restart containerd} does: the pods' tasks outlive it under their shims.
 */
final class PrivateCriRuntime extends PrivateRuntime.OwnContainerd {
    private final String bridge = "spar" + UUID.randomUUID().toString().substring(0, 8);
    private final CriRuntime client;

    PrivateCriRuntime() throws IOException, InterruptedException {
        super("spa-crir-", "the test's own containerd with its CRI plugin", "k8s.io");
        Path cniConf = Files.createDirectories(dir.resolve("net.d"));
        String subnet = "10.215." + (100 + new Random().nextInt(150)) + ".0/24";
        Files.writeString(cniConf.resolve("10-static-pod-agent.conflist"),
                Files.readString(Path.of("../packaging/cni/10-static-pod-agent.conflist"))
                        .replace("\"spa-cni0\"", "\"" + bridge + "\"")
                        .replace("10.88.0.0/16", subnet)
                        .replace("/var/lib/cni/networks", dir.resolve("ipam").toString()));
        Files.writeString(dir.resolve("config.toml"), run("bash", "-c", ". ../scripts/lib.sh && SPA_PAUSE_IMAGE="
                + ItEnvironment.PAUSE + " _spa_containerd_config " + dir.resolve("root") + " " + dir.resolve("state")
                + " " + socket() + " " + cniConf));
        this.client = CriRuntime.connect(CriSettings.of("unix://" + socket()).withExitEvents(false));
    }

    @Override
    List<String> agentArgs() {
        return List.of("--runtime", "cri", "--container-runtime-endpoint", "unix://" + socket(), "--port", "0");
    }

    @Override
    ContainerRuntime client() {
        return client;
    }

    @Override
    void afterStop() throws Exception {
        try {
            run("ip", "link", "del", bridge);
        } catch (IllegalStateException noBridge) {
            // never made
        }
    }
}
