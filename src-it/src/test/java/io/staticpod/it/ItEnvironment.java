package io.staticpod.it;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** What the integration tests need from the machine, and the rule that under CI they fail rather than skip. */
final class ItEnvironment {
    static final String BUSYBOX = System.getProperty("spa.busybox.image", "static-pod-agent.local/busybox:1.35");
    static final String PAUSE = System.getProperty("spa.pause.image", "static-pod-agent.local/pause:1.0");
    static final Path AGENT_JAR = Path.of(System.getProperty("agent.jar", "../agent/target/static-pod-agent.jar"));
    static final Path EXAMPLES = Path.of(System.getProperty("examples.dir", "../examples/manifests"));

    private ItEnvironment() {
    }

    static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** A setting from the system property, else the environment variable, else the fallback. */
    static String setting(String property, String env, String fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(env);
        }
        return value == null || value.isBlank() ? fallback : value;
    }

    /** Fails under CI, skips elsewhere, when Docker or the local test images are not usable. */
    static void requireDocker() {
        String problem = dockerProblem();
        if (problem == null) {
            return;
        }
        String message = problem + " (run scripts/test, which installs and starts Docker and builds the images)";
        if (ci()) {
            throw new AssertionError("CI=true and " + message);
        }
        Assumptions.abort(message);
    }

    private static String dockerProblem() {
        if (!Files.isRegularFile(AGENT_JAR)) {
            return "the agent jar is missing: " + AGENT_JAR.toAbsolutePath();
        }
        for (String image : new String[]{BUSYBOX, PAUSE}) {
            try {
                Process p = new ProcessBuilder("docker", "image", "inspect", image)
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    return "docker cannot show the image " + image;
                }
            } catch (IOException e) {
                return "docker cannot be run: " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }
        return null;
    }
}
