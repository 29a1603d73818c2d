package io.staticpod.it;

import io.staticpod.runtime.cri.CriRuntime;
import io.staticpod.runtime.cri.CriSettings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * A containerd with its CRI plugin of the test's own, configured by {@code scripts/lib.sh}'s
 * {@code _spa_containerd_config} as the tests' one is, but with its own socket, root, state, CNI configuration
 * directory ({@link #cniConf}), CNI plugin directory ({@link #cniBin}: links to {@code /usr/lib/cni}'s plugins, so
 * that a test can take one away), IPAM state, bridge and subnet (10.214.N.0/24), all under one directory in
 * {@code /tmp}: a test may stop, restart and break it while the shared one serves the others. {@link #close()}
 * removes its sandboxes (releasing their addresses and rules), stops it, unmounts what it left and deletes it all.
 */
final class PrivateCriContainerd implements AutoCloseable {
    final Path dir;
    final Path cniConf;
    final Path cniBin;
    final String bridge = "spap" + UUID.randomUUID().toString().substring(0, 8);
    final String subnet = "10.214." + (100 + new Random().nextInt(150)) + ".0/24";
    private Process process;
    private CriRuntime client;

    PrivateCriContainerd() throws IOException, InterruptedException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "spa-cri-");
        cniConf = Files.createDirectories(dir.resolve("net.d"));
        cniBin = Files.createDirectories(dir.resolve("cni-bin"));
        try (Stream<Path> plugins = Files.list(Path.of("/usr/lib/cni"))) {
            for (Path p : plugins.toList()) {
                Files.createSymbolicLink(cniBin.resolve(p.getFileName()), p);
            }
        }
        String config = PrivateRuntime.run("bash", "-c", ". ../scripts/lib.sh && SPA_CNI_BIN_DIR=" + cniBin
                + " SPA_PAUSE_IMAGE=" + ItEnvironment.PAUSE + " _spa_containerd_config " + dir.resolve("root") + " "
                + dir.resolve("state") + " " + socket() + " " + cniConf);
        Files.writeString(dir.resolve("config.toml"), config);
    }

    String socket() {
        return dir.resolve("containerd.sock").toString();
    }

    /** Our pod network (packaging/cni) on this containerd's own bridge, subnet and IPAM state. */
    String networkConfig() throws IOException {
        return Files.readString(Path.of("../packaging/cni/10-static-pod-agent.conflist"))
                .replace("\"spa-cni0\"", "\"" + bridge + "\"")
                .replace("10.88.0.0/16", subnet)
                .replace("/var/lib/cni/networks", dir.resolve("ipam").toString());
    }

    CriRuntime client() {
        if (client == null) {
            client = CriRuntime.connect(CriSettings.of("unix://" + socket())
                    .withLogRoot(dir.resolve("pods")));
        }
        return client;
    }

    /** Starts it and waits until its CRI answers. */
    void start() throws IOException {
        process = new ProcessBuilder("containerd", "--config", dir.resolve("config.toml").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("daemon.log").toFile())).start();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .alias("the test's containerd answers CRI (log: " + dir.resolve("daemon.log") + ")").until(() -> {
                    if (!process.isAlive()) {
                        throw new AssertionError("containerd exited: " + log());
                    }
                    client().version();
                    return true;
                });
    }

    /** The test images, into its k8s.io namespace. */
    void loadImages() throws IOException, InterruptedException {
        PrivateRuntime.run("sh", "-c", "docker save " + ItEnvironment.BUSYBOX + " " + ItEnvironment.PAUSE
                + " | ctr --address " + socket() + " --namespace k8s.io images import -");
    }

    /** SIGTERM, as {@code systemctl stop} does; its containers keep running under their shims. */
    void stop() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.toHandle().destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.toHandle().destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    String log() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("daemon.log"), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws Exception {
        try {
            if (process != null && process.isAlive()) {
                for (var s : client().sandboxes().list(java.util.Map.of())) {
                    try {
                        client().sandboxes().stop(s.id());
                        client().sandboxes().remove(s.id());
                    } catch (RuntimeException ignored) {
                        // gone already
                    }
                }
            }
        } finally {
            if (client != null) {
                client.close();
            }
            stop();
            PrivateRuntime.unmountUnder(dir);
            try {
                PrivateRuntime.run("ip", "link", "del", bridge);
            } catch (IllegalStateException noBridge) {
                // never made
            }
            PrivateRuntime.deleteTree(dir);
        }
    }
}
