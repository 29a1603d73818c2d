package io.staticpod.it;

import io.staticpod.runtime.ContainerInfo;
import io.staticpod.runtime.ContainerRuntime;
import io.staticpod.runtime.ImageResult;
import io.staticpod.runtime.PullPolicy;
import io.staticpod.runtime.containerd.CtrRuntime;
import io.staticpod.runtime.exec.ProcessCommandRunner;
import io.staticpod.runtime.testing.ContainerRuntimeContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link CtrRuntime} against the tests' own containerd (started by {@code ensure_containerd} in {@code scripts/lib.sh},
 * socket {@code spa.containerd.address} / {@code SPA_CONTAINERD_SOCKET}, namespace {@code spa.containerd.namespace}
 * / {@code SPA_CONTAINERD_NAMESPACE}, the test images imported into it): the whole {@link ContainerRuntimeContract},
 * minus what containerd without CNI cannot do (pod addresses, published host ports: skipped through the contract's
 * capability hooks), plus what only this adapter shows (logs in files, the pull fallback). When containerd or the
 * images are not usable this fails under {@code CI=true} and is skipped, with the reason, elsewhere.
 */
class ContainerdRuntimeContractIT extends ContainerRuntimeContract {

    static final String BUSYBOX = System.getProperty("spa.busybox.image", "static-pod-agent.local/busybox:1.35");
    static final String PAUSE = System.getProperty("spa.pause.image", "static-pod-agent.local/pause:1.0");
    static final String ADDRESS = ItEnvironment.setting("spa.containerd.address", "SPA_CONTAINERD_SOCKET",
            "/run/static-pod-agent-test/containerd/containerd.sock");
    static final String NAMESPACE = ItEnvironment.setting("spa.containerd.namespace", "SPA_CONTAINERD_NAMESPACE",
            CtrRuntime.DEFAULT_NAMESPACE);
    static final Path LOG_DIR = Path.of(ItEnvironment.setting("spa.containerd.logDir", "SPA_CONTAINERD_LOG_DIR",
            "/var/log/static-pod-agent-test/containers"));

    private static CtrRuntime containerd;
    private static String problem;
    private static boolean checked;

    /** Outside CI, skips each test (with the reason) when containerd or the images are not usable. */
    @RegisterExtension
    static final ExecutionCondition SKIPPED_WITHOUT_CONTAINERD_OUTSIDE_CI = context ->
            context.getTestMethod().isEmpty() || ci() || problem() == null
                    ? ConditionEvaluationResult.enabled("containerd is usable, or CI=true")
                    : ConditionEvaluationResult.disabled(problem() + " (skipped because CI is not true)");

    @BeforeAll
    static void containerdAndTheTestImagesAreUsable() {
        if (problem() != null) {
            if (ci()) {
                throw new AssertionError("CI=true and " + problem());
            }
            return;
        }
        containerd = newClient();
    }

    @AfterAll
    static void removeEverythingThisRunCreated() {
        if (containerd != null) {
            removeAll(containerd, Map.of(RUN_LABEL, RUN));
        }
    }

    private static CtrRuntime newClient() {
        return new CtrRuntime(new ProcessCommandRunner(), "unix://" + ADDRESS, NAMESPACE, LOG_DIR);
    }

    private static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    private static synchronized String problem() {
        if (!checked) {
            problem = problemWith(newClient());
            checked = true;
        }
        return problem;
    }

    private static String problemWith(CtrRuntime candidate) {
        try {
            candidate.version();
        } catch (RuntimeException e) {
            return e.getMessage() + " (start it with scripts/containerd-test, or `. scripts/lib.sh; ensure_containerd`)";
        }
        for (String image : new String[]{BUSYBOX, PAUSE}) {
            try {
                candidate.ensureImage(image, PullPolicy.NEVER);
            } catch (RuntimeException e) {
                return "test image missing (`. scripts/lib.sh; ensure_containerd` imports it): " + e.getMessage();
            }
        }
        return null;
    }

    @Override
    protected ContainerRuntime runtime() {
        return containerd;
    }

    @Override
    protected ContainerRuntime newRuntimeInstance() {
        return newClient();
    }

    @Override
    protected String busyboxImage() {
        return BUSYBOX;
    }

    @Override
    protected String pauseImage() {
        return PAUSE;
    }

    /** containerd has no CNI here: a sandbox's network namespace has only loopback, and host ports are not published. */
    @Override
    protected boolean hasPodNetwork() {
        return false;
    }

    @Test
    void anAirGappedNodeKeepsItsLocalImageWhenAPullFails() {
        ImageResult result = containerd.ensureImage(BUSYBOX, PullPolicy.ALWAYS);

        assertThat(result.pulled()).isFalse();
        assertThat(result.imageId()).startsWith("sha256:");
        assertThat(result.pullWarning()).contains("images pull " + BUSYBOX);
    }

    @Test
    void stdoutAndStderrGoToTheContainersLogFileWhichRemoveDeletes() {
        String id = containerd.start(busybox("logs", "echo to-stdout; echo to-stderr >&2").build());
        Path logFile = LOG_DIR.resolve(id + ".log");

        assertThat(awaitState(id, ContainerInfo.State.EXITED).exitCode()).isZero();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(Files.readString(logFile)).contains("to-stdout\n").contains("to-stderr\n"));

        containerd.remove(id);
        assertThat(logFile).doesNotExist();
    }

    @Test
    void shortImageNamesFindTheFullNamesThatAnImportOfDockerSaveGives() throws Exception {
        // `docker save busybox | ctr images import -` names it docker.io/library/busybox:latest
        String full = "docker.io/library/spa-short-name-" + RUN + ":latest";
        ctr("images", "tag", "--force", BUSYBOX, full);
        try {
            String id = containerd.ensureImage(BUSYBOX, PullPolicy.NEVER).imageId();

            assertThat(containerd.ensureImage("spa-short-name-" + RUN, PullPolicy.NEVER).imageId()).isEqualTo(id);
            assertThat(containerd.ensureImage("library/spa-short-name-" + RUN + ":latest", PullPolicy.NEVER).imageId())
                    .isEqualTo(id);
        } finally {
            ctr("images", "rm", full);
        }
    }

    @Test
    void aContainerdRestartLosesNeitherRunningContainersNorExitStatuses() throws Exception {
        Path pidFile = Path.of(ADDRESS).resolveSibling("containerd.pid");
        org.assertj.core.api.Assumptions.assumeThat(pidFile)
                .as("containerd was started by ensure_containerd (scripts/lib.sh), so this test may restart it").exists();
        String running = containerd.start(sleeper("survivor").build());
        String exiting = containerd.start(busybox("exits-while-down", "sleep 1; echo leaving; exit 5").build());

        lib("stop_containerd");
        // the logger runs under the shim, so the log shows the second container leaving while containerd is down
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() ->
                Files.readString(LOG_DIR.resolve(exiting + ".log")).contains("leaving"));
        lib("ensure_containerd");

        CtrRuntime restarted = newClient();
        assertThat(restarted.inspect(running).orElseThrow().running()).isTrue();
        ContainerInfo exited = await().atMost(Duration.ofSeconds(10)).until(
                () -> restarted.inspect(exiting).orElseThrow(), c -> c.state() == ContainerInfo.State.EXITED);
        assertThat(exited.exitCode()).isEqualTo(5);
    }

    /** Runs a function of scripts/lib.sh against this test's containerd. */
    private static void lib(String function) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", ". ../scripts/lib.sh && " + function)
                .redirectErrorStream(true);
        pb.environment().put("SPA_CONTAINERD_SOCKET", ADDRESS);
        pb.environment().put("SPA_CONTAINERD_RUN", Path.of(ADDRESS).getParent().toString());
        pb.environment().put("SPA_CONTAINERD_NAMESPACE", NAMESPACE);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("%s: %s", function, out).isZero();
    }

    private static void ctr(String... args) throws Exception {
        java.util.List<String> argv = new java.util.ArrayList<>(
                java.util.List.of("ctr", "--address", ADDRESS, "--namespace", NAMESPACE));
        argv.addAll(java.util.List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("%s: %s", argv, out).isZero();
    }
}
