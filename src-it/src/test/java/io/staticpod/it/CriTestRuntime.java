package io.staticpod.it;

import io.staticpod.runtime.cri.CriRuntime;
import io.staticpod.runtime.cri.CriSettings;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Path;

/**
 * The tests' containerd with its CRI plugin and CNI ({@code ensure_containerd} in {@code scripts/lib.sh}: socket
 * {@code spa.containerd.address} / {@code SPA_CONTAINERD_SOCKET}, images in {@code k8s.io}), reached through
 * {@link CriRuntime}. Pod logs go under {@code /var/log/static-pod-agent-test/pods} (never the machine's
 * {@code /var/log/pods}). When it is not usable, a test fails under {@code CI=true} and is skipped elsewhere.
 */
final class CriTestRuntime {
    static final String ADDRESS = setting("spa.containerd.address", "SPA_CONTAINERD_SOCKET",
            "/run/static-pod-agent-test/containerd/containerd.sock");
    static final Path LOG_ROOT = Path.of("/var/log/static-pod-agent-test/pods");
    private static String problem;
    private static boolean checked;

    private CriTestRuntime() {
    }

    static CriSettings settings() {
        return CriSettings.of("unix://" + ADDRESS).withLogRoot(LOG_ROOT);
    }

    static CriRuntime connect() {
        return CriRuntime.connect(settings());
    }

    /** Fails under CI, skips elsewhere, unless the tests' containerd answers CRI and has the test images. */
    static void require() {
        String p = problem();
        if (p == null) {
            return;
        }
        String message = p + " (start it with `. scripts/lib.sh; ensure_images; ensure_containerd`)";
        if (ItEnvironment.ci()) {
            throw new AssertionError("CI=true and " + message);
        }
        Assumptions.abort(message);
    }

    static synchronized String problem() {
        if (!checked) {
            checked = true;
            try (CriRuntime cri = connect()) {
                cri.version();
                for (String image : new String[]{ItEnvironment.BUSYBOX, ItEnvironment.PAUSE}) {
                    if (cri.images().status(image).isEmpty()) {
                        problem = "the test image " + image + " is not in containerd's k8s.io namespace at " + ADDRESS;
                    }
                }
            } catch (RuntimeException e) {
                problem = "the tests' containerd does not answer CRI: " + e.getMessage();
            }
        }
        return problem;
    }

    static String setting(String property, String env, String fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(env);
        }
        return value == null || value.isBlank() ? fallback : value;
    }
}
