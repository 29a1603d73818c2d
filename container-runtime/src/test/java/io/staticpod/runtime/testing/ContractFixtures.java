package io.staticpod.runtime.testing;

import io.staticpod.runtime.ContainerInfo;
import io.staticpod.runtime.ContainerRuntime;
import io.staticpod.runtime.LaunchSpec;
import io.staticpod.runtime.LaunchSpec.EnvVar;
import io.staticpod.runtime.LaunchSpec.Mount;
import io.staticpod.runtime.LaunchSpec.Namespace;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.awaitility.Awaitility.await;

/**
 * What {@link ContainerRuntimeContract} asks of its subclasses, and the helpers its tests share: a small builder for
 * {@link LaunchSpec}s that always carries the test labels, waiting for a state, and removing what a test made.
 */
public abstract class ContractFixtures {

    /** The label every container made by the contract suite carries, whatever the run. */
    public static final String TEST_LABEL = "spa.test";
    /** Its value. */
    public static final String TEST_LABEL_VALUE = "container-runtime-contract";
    /** The label naming this JVM's run, so that parallel runs on one engine never remove each other's containers. */
    public static final String RUN_LABEL = "spa.test.run";
    /** This JVM's run. */
    public static final String RUN = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());

    /** The runtime under test; the same instance for the whole of one test. */
    protected abstract ContainerRuntime runtime();

    /** A second, fresh client of the same engine, as an agent restarted after a crash would create. */
    protected abstract ContainerRuntime newRuntimeInstance();

    /** A local busybox image: {@code sh}, {@code sleep}, {@code httpd}, {@code wget}, {@code PATH=/bin}, {@code CMD ["sh"]}. */
    protected abstract String busyboxImage();

    /** A local pause image: {@code ENTRYPOINT ["/pause"]}, exits 0 on SIGTERM. */
    protected abstract String pauseImage();

    /** False for a fake: the tests that need a real process (files, sockets, signals) are then skipped. */
    protected boolean supportsRealProcesses() {
        return true;
    }

    /**
     * False for a runtime without a pod network (containerd without CNI: a sandbox has loopback only): the tests of
     * a sandbox's address and of published host ports are then skipped, with that reason.
     */
    protected boolean hasPodNetwork() {
        return true;
    }

    /** Called where a real container's process exits by itself with {@code code}: a fake makes it so. */
    protected void processExited(String id, int code) {
    }

    /** Called before a start that a real engine refuses (its entrypoint does not exist): a fake arranges it. */
    protected void arrangeNextStartToFail(String error) {
    }

    /** The labels of every container this suite creates. */
    public static Map<String, String> testLabels() {
        return Map.of(TEST_LABEL, TEST_LABEL_VALUE, RUN_LABEL, RUN);
    }

    /** Removes every container with these labels (forcibly, running or not). */
    public static void removeAll(ContainerRuntime runtime, Map<String, String> labels) {
        for (ContainerInfo c : runtime.list(labels)) {
            runtime.remove(c.id());
        }
    }

    protected static String name(String suffix) {
        return "spa-ct-" + RUN + "-" + suffix;
    }

    protected ContainerInfo awaitState(String id, ContainerInfo.State state) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> runtime().inspect(id).orElseThrow(), c -> c.state() == state);
    }

    protected Spec spec(String suffix, String image) {
        return new Spec(name(suffix), image);
    }

    /** Busybox running {@code sh -c script} as its command (args only: the image has no entrypoint). */
    protected Spec busybox(String suffix, String script) {
        return spec(suffix, busyboxImage()).args("sh", "-c", script);
    }

    /** Busybox running until stopped, ending at once (exit 0) on SIGTERM. */
    protected Spec sleeper(String suffix) {
        return busybox(suffix, "trap 'exit 0' TERM; sleep 1000 & wait");
    }

    protected Spec pause(String suffix) {
        return spec(suffix, pauseImage());
    }

    /** A mutable builder of {@link LaunchSpec}s carrying the test labels. */
    protected static final class Spec {
        private final String name;
        private final String image;
        private List<String> entrypoint;
        private List<String> args;
        private final List<EnvVar> env = new ArrayList<>();
        private String workingDir;
        private final List<Mount> mounts = new ArrayList<>();
        private final Map<String, String> labels = new LinkedHashMap<>(testLabels());
        private Namespace network = Namespace.own();
        private Namespace ipc = Namespace.own();
        private String hostname;
        private final List<LaunchSpec.PortMapping> ports = new ArrayList<>();

        Spec(String name, String image) {
            this.name = name;
            this.image = image;
        }

        public Spec entrypoint(String... words) {
            entrypoint = List.of(words);
            return this;
        }

        public Spec args(String... words) {
            args = List.of(words);
            return this;
        }

        public Spec env(String key, String value) {
            env.add(new EnvVar(key, value));
            return this;
        }

        public Spec workingDir(String path) {
            workingDir = path;
            return this;
        }

        public Spec mount(Path host, String container, boolean readOnly) {
            mounts.add(new Mount(host.toString(), container, readOnly));
            return this;
        }

        public Spec label(String key, String value) {
            labels.put(key, value);
            return this;
        }

        public Spec network(Namespace ns) {
            network = ns;
            return this;
        }

        public Spec ipc(Namespace ns) {
            ipc = ns;
            return this;
        }

        public Spec port(int containerPort, int hostPort, String hostIp) {
            ports.add(new LaunchSpec.PortMapping(containerPort, hostPort, hostIp, "tcp"));
            return this;
        }

        public Spec hostname(String name) {
            hostname = name;
            return this;
        }

        public LaunchSpec build() {
            return new LaunchSpec(name, image, entrypoint, args, env, workingDir, mounts, ports, labels, network, ipc,
                    hostname, null);
        }
    }
}
