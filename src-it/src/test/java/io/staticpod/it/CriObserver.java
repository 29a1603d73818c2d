package io.staticpod.it;

import io.staticpod.runtime.cri.CriRuntime;
import io.staticpod.runtime.spi.Sandbox;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What really runs on the tests' containerd through its CRI plugin ({@link CriTestRuntime}), for an agent on
 * {@code --runtime cri}: listing and logs through our CRI adapter (as crictl would show them), killing and the
 * environment through {@code ctr} in containerd's {@code k8s.io} namespace, where the CRI plugin keeps everything.
 */
final class CriObserver implements RuntimeObserver {
    static final String NAMESPACE = "k8s.io";
    /** Where the agent puts pods' log directories: the kubelet's place. */
    static final Path POD_LOGS = Path.of("/var/log/pods");

    /** One client for every observer: a channel per test would be left to the garbage collector. */
    private static final CriRuntime cri = CriTestRuntime.connect();

    @Override
    public void require() {
        ItEnvironment.requireDocker(); // the agent jar
        CriTestRuntime.require();
    }

    @Override
    public List<String> agentArgs() {
        return List.of("--runtime", "cri", "--container-runtime-endpoint", "unix://" + CriTestRuntime.ADDRESS,
                "--port", "0");
    }

    @Override
    public List<Seen> all(String node) {
        return SpiObserver.all(cri, node);
    }

    /** The address of the ready sandbox of {@code podName}, as the CRI reports it. */
    Optional<String> podIp(String node, String podName) {
        for (Sandbox s : cri.snapshot(Map.of(OWNER, node, "io.kubernetes.pod.name", podName)).sandboxes()) {
            if (s.ready()) {
                return cri.sandboxes().status(s.id()).map(st -> st.ip());
            }
        }
        return Optional.empty();
    }

    /** The pod's log directory in the kubelet's layout. */
    static Path podLogDir(String podName, String uid) {
        return POD_LOGS.resolve("default_" + podName + "_" + uid);
    }

    @Override
    public List<String> env(String id) {
        return SpiObserver.env(CriTestRuntime.ADDRESS, NAMESPACE, id);
    }

    @Override
    public void kill(String id) {
        SpiObserver.kill(CriTestRuntime.ADDRESS, NAMESPACE, id);
    }

    @Override
    public String logs(String id) {
        return SpiObserver.logs(cri, id);
    }

    /** Everything of the agent of {@code node}, and the log directories of its pods (their names end in it). */
    @Override
    public void removeAll(String node) {
        if (CriTestRuntime.problem() != null) {
            return; // the test was skipped (or failed) for it: nothing of ours runs there
        }
        SpiObserver.removeAll(cri, Map.of(OWNER, node));
        if (!Files.isDirectory(POD_LOGS)) {
            return;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(POD_LOGS, "default_*-" + node + "_*")) {
            for (Path d : dirs) {
                try (var walk = Files.walk(d)) {
                    walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
