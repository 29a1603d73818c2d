package io.staticpod.it;

import io.staticpod.runtime.ctr.CtrPodRuntime;
import io.staticpod.runtime.exec.ProcessCommandRunner;
import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.ContainerState;
import io.staticpod.runtime.spi.ContainerStatus;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.testing.ContainerRuntimeContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link CtrPodRuntime} ({@code --runtime ctr}) against the tests' own containerd (started by {@code ensure_containerd}
 * in {@code scripts/lib.sh}; socket {@code spa.containerd.address} / {@code SPA_CONTAINERD_SOCKET}, namespace
 * {@code spa.containerd.namespace} / {@code SPA_CONTAINERD_NAMESPACE}, the test images imported into it): the whole
 * {@link ContainerRuntimeContract}, its capabilities deciding what runs (no pod network, no host ports, no exit
 * events, no users, no environment values with line breaks: those tests are reported skipped, or check the refusal
 * instead), plus what only this adapter shows: the log file in the CRI format that goes with its container, image
 * names as an import of {@code docker save} gives them, and a containerd restart (a private containerd of this
 * test's own, so the shared one keeps serving other tests). When containerd or the images are not usable this fails
 * under {@code CI=true} and is skipped, with the reason, elsewhere.
 */
class CtrRuntimeContractIT extends ContainerRuntimeContract {

    static final String ADDRESS = ItEnvironment.setting("spa.containerd.address", "SPA_CONTAINERD_SOCKET",
            "/run/static-pod-agent-test/containerd/containerd.sock");
    static final String NAMESPACE = ItEnvironment.setting("spa.containerd.namespace", "SPA_CONTAINERD_NAMESPACE",
            CtrPodRuntime.DEFAULT_NAMESPACE);
    static final Path LOG_DIR = Path.of(ItEnvironment.setting("spa.containerd.logDir", "SPA_CONTAINERD_LOG_DIR",
            "/var/log/static-pod-agent-test/containers"));

    private static CtrPodRuntime ctr;
    private static String problem;
    private static boolean checked;

    @RegisterExtension
    static final ExecutionCondition SKIPPED_WITHOUT_CONTAINERD_OUTSIDE_CI = context ->
            context.getTestMethod().isEmpty() || ItEnvironment.ci() || problem() == null
                    ? ConditionEvaluationResult.enabled("containerd is usable, or CI=true")
                    : ConditionEvaluationResult.disabled(problem() + " (skipped because CI is not true)");

    @BeforeAll
    static void containerdAndTheTestImagesAreUsable() {
        if (problem() != null && ItEnvironment.ci()) {
            throw new AssertionError("CI=true and " + problem());
        }
        ctr = newRuntime("unix://" + ADDRESS);
    }

    @AfterAll
    static void removeEverythingThisRunCreated() {
        if (ctr != null) {
            removeAll(ctr, Map.of(RUN_LABEL, RUN));
        }
    }

    static CtrPodRuntime newRuntime(String socket) {
        return CtrPodRuntime.create(socket, NAMESPACE, ItEnvironment.PAUSE, LOG_DIR, new ProcessCommandRunner());
    }

    private static synchronized String problem() {
        if (!checked) {
            try (CtrPodRuntime candidate = newRuntime("unix://" + ADDRESS)) {
                candidate.version();
                for (String image : new String[]{ItEnvironment.BUSYBOX, ItEnvironment.PAUSE}) {
                    if (candidate.images().status(image).isEmpty()) {
                        problem = "test image " + image + " missing in containerd namespace " + NAMESPACE
                                + " (`. scripts/lib.sh; ensure_containerd` imports it)";
                    }
                }
            } catch (RuntimeError e) {
                problem = "containerd at " + ADDRESS + " is not usable: " + e.getMessage()
                        + " (start it with `. scripts/lib.sh; ensure_containerd`)";
            }
            checked = true;
        }
        return problem;
    }

    @Override
    protected ContainerRuntime runtime() {
        return ctr;
    }

    @Override
    protected ContainerRuntime newRuntimeInstance() {
        return newRuntime("unix://" + ADDRESS);
    }

    @Override
    protected String busyboxImage() {
        return ItEnvironment.BUSYBOX;
    }

    @Test
    void theLogFileIsInTheCriFormatAndGoesWithItsContainerAndTheSandboxFilesWithTheSandbox() throws Exception {
        SandboxConfig pod = pod("log-file").hostname("log-" + RUN).build();
        String sandbox = run(pod);
        String id = start(sandbox, pod, busybox("app", "echo to-stdout; echo to-stderr >&2; hostname"));
        Path logFile = LOG_DIR.resolve(id + ".log");

        assertThat(awaitExited(id).exitCode()).isZero();
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(Files.readAllLines(logFile)).hasSize(3));
        assertThat(Files.readAllLines(logFile)).satisfiesExactlyInAnyOrder(
                l -> assertThat(l).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z stdout F to-stdout"),
                l -> assertThat(l).matches("\\S+Z stderr F to-stderr"),
                l -> assertThat(l).matches("\\S+Z stdout F log-" + RUN));
        Path files = LOG_DIR.resolveSibling("sandboxes").resolve(sandbox);
        assertThat(files.resolve("hosts")).exists();

        runtime().containers().remove(id);
        runtime().sandboxes().remove(sandbox);
        assertThat(logFile).doesNotExist();
        assertThat(files).doesNotExist();
    }

    @Test
    void shortImageNamesFindTheFullNamesThatAnImportOfDockerSaveGives() throws Exception {
        // `docker save busybox | ctr images import -` names it docker.io/library/busybox:latest
        String full = "docker.io/library/spa-short-name-" + RUN + ":latest";
        ctr("images", "tag", "--force", ItEnvironment.BUSYBOX, full);
        try {
            String id = ctr.images().status(ItEnvironment.BUSYBOX).orElseThrow().id();

            assertThat(ctr.images().status("spa-short-name-" + RUN).orElseThrow().id()).isEqualTo(id);
            assertThat(ctr.images().status("library/spa-short-name-" + RUN + ":latest").orElseThrow().id())
                    .isEqualTo(id);
        } finally {
            ctr("images", "rm", full);
        }
    }

    @Test
    void aContainerdRestartLosesNeitherRunningContainersNorExitStatuses() throws Exception {
        try (PrivateRuntime.Containerd own = new PrivateRuntime.Containerd()) {
            own.start();
            own.loadImages();
            String socket = "unix://" + own.dir.resolve("containerd.sock");
            CtrPodRuntime before = newRuntime(socket);
            try {
                restartKeeps(own, before, socket);
            } finally {
                removeAll(newRuntime(socket), testLabels()); // its sandbox files and logs too
            }
        }
    }

    private void restartKeeps(PrivateRuntime.Containerd own, CtrPodRuntime before, String socket) throws Exception {
        SandboxConfig pod = pod("restart").build();
        String sandbox = before.sandboxes().run(pod);
        String running = before.containers().create(sandbox, busybox("survivor", SLEEPER).build(), pod);
        before.containers().start(running);
        String exiting = before.containers().create(sandbox,
                busybox("leaves", "sleep 1; echo leaving; exit 5").build(), pod);
        before.containers().start(exiting);

        own.stop();
        // the logger runs under the shim, so the log shows the second container leaving while containerd is down
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() ->
                Files.readString(LOG_DIR.resolve(exiting + ".log")).contains(" stdout F leaving"));
        own.start();

        CtrPodRuntime after = newRuntime(socket);
        assertThat(after.containers().status(running).orElseThrow().state()).isEqualTo(ContainerState.RUNNING);
        assertThat(after.sandboxes().status(sandbox).orElseThrow().sandbox().ready()).isTrue();
        ContainerStatus exited = await().atMost(Duration.ofSeconds(10)).until(
                () -> after.containers().status(exiting).orElseThrow(), ContainerStatus::exited);
        assertThat(exited.exitCode()).isEqualTo(5);
        assertThat(exited.reason()).isEqualTo("Error");
    }

    private static void ctr(String... args) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of("ctr", "--address", ADDRESS, "--namespace", NAMESPACE));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("%s: %s", argv, out).isZero();
    }
}
