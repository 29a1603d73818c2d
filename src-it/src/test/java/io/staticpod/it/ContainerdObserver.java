package io.staticpod.it;

import io.staticpod.runtime.ctr.CtrPodRuntime;
import io.staticpod.runtime.exec.ProcessCommandRunner;
import io.staticpod.runtime.spi.ContainerRuntime;

import java.util.List;
import java.util.Map;

/**
 * What really runs on the tests' own containerd, for an agent on {@code --runtime ctr}. Listing goes through our ctr
 * adapter of the pod-level SPI (ctr shows our names and labels only through it); killing and the environment go through
 * {@code ctr} itself.
 */
final class ContainerdObserver implements RuntimeObserver {
    static final String ADDRESS = setting("spa.containerd.address", "SPA_CONTAINERD_SOCKET",
            "/run/static-pod-agent-test/containerd/containerd.sock");
    static final String NAMESPACE = CtrPodRuntime.DEFAULT_NAMESPACE;

    private final ContainerRuntime ctr = CtrPodRuntime.create("unix://" + ADDRESS, NAMESPACE, ItEnvironment.PAUSE,
            CtrPodRuntime.DEFAULT_LOG_DIR, new ProcessCommandRunner());

    @Override
    public void require() {
        ItEnvironment.requireDocker(); // the agent jar and the images come from there
        String problem = null;
        try {
            ctr.version();
            for (String image : List.of(ItEnvironment.BUSYBOX, ItEnvironment.PAUSE)) {
                if (ctr.images().status(image).isEmpty()) {
                    problem = "containerd at " + ADDRESS + " has no image " + image + " in namespace " + NAMESPACE;
                }
            }
        } catch (RuntimeException e) {
            problem = "containerd at " + ADDRESS + " is not usable: " + e.getMessage();
        }
        if (problem != null) {
            problem += " (scripts/test starts it: `. scripts/lib.sh; ensure_containerd`)";
            if (ItEnvironment.ci()) {
                throw new AssertionError("CI=true and " + problem);
            }
            org.junit.jupiter.api.Assumptions.abort(problem);
        }
    }

    @Override
    public List<String> agentArgs() {
        return List.of("--runtime", "ctr", "--container-runtime-endpoint", "unix://" + ADDRESS);
    }

    @Override
    public List<Seen> all(String node) {
        return SpiObserver.all(ctr, node);
    }

    @Override
    public List<String> env(String id) {
        return SpiObserver.env(ADDRESS, NAMESPACE, id);
    }

    @Override
    public void kill(String id) {
        SpiObserver.kill(ADDRESS, NAMESPACE, id);
    }

    @Override
    public String logs(String id) {
        return SpiObserver.logs(ctr, id);
    }

    @Override
    public void removeAll(String node) {
        SpiObserver.removeAll(ctr, Map.of(OWNER, node));
    }

    static String setting(String property, String env, String otherwise) {
        String p = System.getProperty(property);
        if (p != null && !p.isBlank()) {
            return p;
        }
        String e = System.getenv(env);
        return e != null && !e.isBlank() ? e : otherwise;
    }
}
