package io.staticpod.it;

import com.github.dockerjava.api.command.InspectContainerResponse;
import io.staticpod.runtime.ContainerRuntime;
import io.staticpod.runtime.ImageResult;
import io.staticpod.runtime.PullPolicy;
import io.staticpod.runtime.docker.DockerCliRuntime;
import io.staticpod.runtime.exec.ProcessCommandRunner;
import io.staticpod.runtime.testing.ContainerRuntimeContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testcontainers.DockerClientFactory;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DockerCliRuntime} against the local Docker engine: the whole {@link ContainerRuntimeContract}, plus what
 * only a real engine shows (the pull fallback of an air-gapped node, and the container's config read back by an
 * independent client). Uses the local images {@code spa.busybox.image} and {@code spa.pause.image} (built by
 * {@code scripts/build-test-images}). When Docker or the images are not usable this fails under {@code CI=true}
 * and is skipped, with the reason, elsewhere. Every container made here carries the contract's run label, and all
 * of them are removed after each test and, as a safety net, after the class.
 */
class DockerRuntimeContractIT extends ContainerRuntimeContract {

    static final String BUSYBOX = System.getProperty("spa.busybox.image", "static-pod-agent.local/busybox:1.35");
    static final String PAUSE = System.getProperty("spa.pause.image", "static-pod-agent.local/pause:1.0");

    private static DockerCliRuntime docker;
    private static String problem;
    private static boolean checked;

    /**
     * Outside CI, skips each test (reported as skipped, with the reason) when Docker or the images are not usable.
     * Under CI it lets them run, and {@link #dockerAndTheTestImagesAreUsable()} fails the class instead.
     */
    @RegisterExtension
    static final ExecutionCondition SKIPPED_WITHOUT_DOCKER_OUTSIDE_CI = context ->
            context.getTestMethod().isEmpty() || ci() || problem() == null
                    ? ConditionEvaluationResult.enabled("Docker is usable, or CI=true")
                    : ConditionEvaluationResult.disabled(problem() + " (skipped because CI is not true)");

    @BeforeAll
    static void dockerAndTheTestImagesAreUsable() {
        if (problem() != null) {
            if (ci()) {
                throw new AssertionError("CI=true and " + problem());
            }
            return;
        }
        docker = new DockerCliRuntime(new ProcessCommandRunner());
    }

    private static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    private static synchronized String problem() {
        if (!checked) {
            problem = problemWith(new DockerCliRuntime(new ProcessCommandRunner()));
            checked = true;
        }
        return problem;
    }

    private static String problemWith(DockerCliRuntime candidate) {
        try {
            candidate.version();
        } catch (RuntimeException e) {
            return e.getMessage();
        }
        for (String image : new String[]{BUSYBOX, PAUSE}) {
            try {
                candidate.ensureImage(image, PullPolicy.NEVER);
            } catch (RuntimeException e) {
                return "test image missing (run scripts/build-test-images): " + e.getMessage();
            }
        }
        return null;
    }

    @AfterAll
    static void removeEverythingThisRunCreated() {
        if (docker != null) {
            removeAll(docker, Map.of(RUN_LABEL, RUN));
        }
    }

    @Override
    protected ContainerRuntime runtime() {
        return docker;
    }

    @Override
    protected ContainerRuntime newRuntimeInstance() {
        return new DockerCliRuntime(new ProcessCommandRunner());
    }

    @Override
    protected String busyboxImage() {
        return BUSYBOX;
    }

    @Override
    protected String pauseImage() {
        return PAUSE;
    }

    @Test
    void anAirGappedNodeKeepsItsLocalImageWhenAPullFails() {
        // no registry is reachable here, and *.local names never resolve to one
        ImageResult result = docker.ensureImage(BUSYBOX, PullPolicy.ALWAYS);

        assertThat(result.pulled()).isFalse();
        assertThat(result.imageId()).startsWith("sha256:");
        assertThat(result.pullWarning()).contains("docker pull " + BUSYBOX);
    }

    @Test
    void dockerItselfShowsNoRestartPolicyNoOomScoreAdjustmentAndOurLabels() {
        String id = docker.start(sleeper("observed").label("io.kubernetes.pod.name", "web-n1").build());

        InspectContainerResponse seen = DockerClientFactory.instance().client().inspectContainerCmd(id).exec();

        assertThat(seen.getName()).isEqualTo("/" + name("observed"));
        assertThat(seen.getHostConfig().getRestartPolicy().getName()).isIn("no", "");
        assertThat(seen.getHostConfig().getOomScoreAdj()).isIn(null, 0);
        assertThat(seen.getHostConfig().getIpcMode()).isEqualTo("shareable");
        assertThat(seen.getConfig().getLabels()).containsAllEntriesOf(testLabels())
                .containsEntry("io.kubernetes.pod.name", "web-n1");
    }
}
