package io.staticpod.it;

import io.staticpod.runtime.docker.api.DockerApiRuntime;
import io.staticpod.runtime.docker.cli.DockerCliRuntime;
import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.RuntimeError;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;

import java.time.Duration;

/**
 * The two Docker adapters on the pod-level SPI against the machine's Docker engine, and the rule of the tests that
 * use them: when Docker or the test images are not usable, they fail under {@code CI=true} and are skipped, with the
 * reason, elsewhere.
 */
final class DockerEngines {

    private static String problem;
    private static boolean checked;

    /** Skips each test outside CI when Docker is not usable; under CI {@link #requireUnderCi()} fails instead. */
    static final ExecutionCondition SKIPPED_WITHOUT_DOCKER_OUTSIDE_CI = context ->
            context.getTestMethod().isEmpty() || ItEnvironment.ci() || problem() == null
                    ? ConditionEvaluationResult.enabled("Docker is usable, or CI=true")
                    : ConditionEvaluationResult.disabled(problem() + " (skipped because CI is not true)");

    private DockerEngines() {
    }

    static DockerApiRuntime api() {
        return DockerApiRuntime.connect(DockerApiRuntime.DEFAULT_ENDPOINT, Duration.ofSeconds(30),
                ItEnvironment.PAUSE);
    }

    static DockerCliRuntime cli() {
        return DockerCliRuntime.create(null, null, Duration.ofMinutes(2), ItEnvironment.PAUSE);
    }

    /** Under CI, fails when Docker or the images are not usable. */
    static void requireUnderCi() {
        if (problem() != null && ItEnvironment.ci()) {
            throw new AssertionError("CI=true and " + problem());
        }
    }

    static synchronized String problem() {
        if (!checked) {
            try (ContainerRuntime candidate = api()) {
                candidate.version();
                for (String image : new String[]{ItEnvironment.BUSYBOX, ItEnvironment.PAUSE}) {
                    if (candidate.images().status(image).isEmpty()) {
                        problem = "test image " + image + " missing (scripts/lib.sh ensure_images builds it)";
                    }
                }
            } catch (RuntimeError e) {
                problem = e.getMessage();
            }
            checked = true;
        }
        return problem;
    }
}
