package io.staticpod.runtime.spi.testing;

import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.ContainerStatus;
import io.staticpod.runtime.spi.ContainerSummary;
import io.staticpod.runtime.spi.DnsConfig;
import io.staticpod.runtime.spi.ExecSync.ExecResult;
import io.staticpod.runtime.spi.LogReader.LogLine;
import io.staticpod.runtime.spi.NamespaceMode;
import io.staticpod.runtime.spi.NamespaceOptions;
import io.staticpod.runtime.spi.PortMapping;
import io.staticpod.runtime.spi.Sandbox;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.SandboxMetadata;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.awaitility.Awaitility.await;

/**
 * What {@link ContainerRuntimeContract} asks of its subclasses, and the helpers its tests share: pods and containers
 * that always carry the test labels, waiting for a state, and removing what a test made.
 *
 * <p>The hooks ({@link #processExited}, {@link #processWrote}, …) are where a real process does something by
 * itself; a real adapter leaves them empty, a fake makes the same thing happen.
 */
public abstract class ContractFixtures {

    /** The label every sandbox and container made by the contract suite carries, whatever the run. */
    public static final String TEST_LABEL = "spa.test";
    /** Its value. */
    public static final String TEST_LABEL_VALUE = "runtime-spi-contract";
    /** The label naming this JVM's run, so that parallel runs on one engine never remove each other's objects. */
    public static final String RUN_LABEL = "spa.test.run";
    /** This JVM's run. */
    public static final String RUN = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    /** The namespace of every pod of the suite. */
    public static final String NAMESPACE = "spa-contract";

    /** Busybox script: runs until stopped, ending at once (exit 0) on SIGTERM. */
    protected static final String SLEEPER = "trap 'exit 0' TERM; sleep 1000 & wait";
    /** How long a test waits for a state before it fails. */
    protected static final Duration PATIENCE = Duration.ofSeconds(60);

    /** The runtime under test; the same instance for the whole of one test. */
    protected abstract ContainerRuntime runtime();

    /** A second, fresh client of the same engine, as an agent restarted after a crash would create. */
    protected abstract ContainerRuntime newRuntimeInstance();

    /** A local busybox image: {@code sh}, {@code sleep}, {@code httpd}, {@code wget}, {@code PATH}, {@code CMD ["sh"]}. */
    protected String busyboxImage() {
        return "static-pod-agent.local/busybox:1.35";
    }

    /** A local image no registry has, and that is not present. */
    protected String missingImage() {
        return "static-pod-agent.local/not-there:0";
    }

    /**
     * False for a fake: the tests that need a real process (files it writes, signals, sockets, cgroups, namespaces)
     * are then skipped, with that reason. A real adapter never turns it off.
     */
    protected boolean supportsRealProcesses() {
        return true;
    }

    /** Where a real container's process exits by itself with {@code code}: a fake makes it so. */
    protected void processExited(String id, int code) {
    }

    /** Where a real container's process is killed for exceeding its memory limit: a fake makes it so. */
    protected void processOomKilled(String id) {
    }

    /** Where a real container's process writes {@code line} on {@code stream}: a fake appends it to the log. */
    protected void processWrote(String id, LogLine.Stream stream, String line) {
    }

    /** Before a start that a real engine refuses (the command does not exist): a fake arranges the refusal. */
    protected void arrangeNextStartToFail(String engineMessage) {
    }

    /** Before an exec whose real process would give {@code result}: a fake scripts it. */
    protected void arrangeExec(List<String> command, ExecResult result) {
    }

    /**
     * Cuts the runtime's event stream, if the test can (a fake can; a real adapter's fault tests cut it through a
     * proxy): true when it did. The RESYNC test is skipped, with that reason, when it cannot.
     */
    protected boolean cutEventStream() {
        return false;
    }

    /** The labels of every sandbox and container this suite creates. */
    public static Map<String, String> testLabels() {
        return Map.of(TEST_LABEL, TEST_LABEL_VALUE, RUN_LABEL, RUN);
    }

    /** Removes every sandbox and container with these labels (forcibly, running or not). */
    public static void removeAll(ContainerRuntime runtime, Map<String, String> labels) {
        for (ContainerSummary c : runtime.containers().list(labels)) {
            runtime.containers().remove(c.id());
        }
        for (Sandbox s : runtime.sandboxes().list(labels)) {
            runtime.sandboxes().remove(s.id());
        }
    }

    /** Test labels plus {@code key=value}. */
    protected static Map<String, String> labels(String key, String value) {
        Map<String, String> labels = new HashMap<>(testLabels());
        labels.put(key, value);
        return labels;
    }

    /** A pod of this run named {@code spa-ct-<run>-<suffix>}, on its own network, attempt 0. */
    protected static Pod pod(String suffix) {
        return new Pod("spa-ct-" + RUN + "-" + suffix);
    }

    /** A busybox container running {@code sh -c script}, with the test labels, attempt 0. */
    protected ContainerConfig.Builder busybox(String name, String script) {
        return ContainerConfig.builder(name, 0, busyboxImage()).command(List.of("sh", "-c", script))
                .labels(testLabels());
    }

    /** Runs the pod's sandbox. */
    protected String run(SandboxConfig pod) {
        return runtime().sandboxes().run(pod);
    }

    /** Creates and starts a container in the sandbox; returns its id. */
    protected String start(String sandboxId, SandboxConfig pod, ContainerConfig.Builder container) {
        String id = runtime().containers().create(sandboxId, container.build(), pod);
        runtime().containers().start(id);
        return id;
    }

    protected ContainerStatus status(String id) {
        return runtime().containers().status(id).orElseThrow(() -> new AssertionError("no container " + id));
    }

    /** Waits until the container has exited; returns its status. */
    protected ContainerStatus awaitExited(String id) {
        return await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50))
                .until(() -> status(id), ContainerStatus::exited);
    }

    /** A mutable builder of the suite's {@link SandboxConfig}s; every pod carries the test labels. */
    protected static final class Pod {
        private final String name;
        private int attempt;
        private String hostname;
        private DnsConfig dns = DnsConfig.NODE;
        private final List<PortMapping> ports = new ArrayList<>();
        private final Map<String, String> labels = new LinkedHashMap<>(testLabels());
        private final Map<String, String> annotations = new LinkedHashMap<>();
        private NamespaceOptions namespaces = NamespaceOptions.POD;
        private final Map<String, String> sysctls = new LinkedHashMap<>();

        Pod(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }

        public Pod attempt(int attempt) {
            this.attempt = attempt;
            return this;
        }

        public Pod hostname(String hostname) {
            this.hostname = hostname;
            return this;
        }

        public Pod dns(DnsConfig dns) {
            this.dns = dns;
            return this;
        }

        public Pod port(int containerPort, int hostPort, String hostIp) {
            ports.add(new PortMapping(PortMapping.Protocol.TCP, containerPort, hostPort, hostIp));
            return this;
        }

        public Pod label(String key, String value) {
            labels.put(key, value);
            return this;
        }

        public Pod annotation(String key, String value) {
            annotations.put(key, value);
            return this;
        }

        public Pod hostNetwork() {
            namespaces = new NamespaceOptions(NamespaceMode.NODE, namespaces.pid(), namespaces.ipc());
            return this;
        }

        public Pod sharedPid() {
            namespaces = new NamespaceOptions(namespaces.network(), NamespaceMode.POD, namespaces.ipc());
            return this;
        }

        public Pod sysctl(String key, String value) {
            sysctls.put(key, value);
            return this;
        }

        public SandboxConfig build() {
            return new SandboxConfig(new SandboxMetadata(name, NAMESPACE, "uid-" + name, attempt), hostname, null, dns,
                    ports, labels, annotations, namespaces, sysctls, false);
        }
    }
}
