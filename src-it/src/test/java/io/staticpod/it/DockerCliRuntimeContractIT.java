package io.staticpod.it;

import io.staticpod.runtime.docker.cli.DockerCliRuntime;
import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.testing.ContainerRuntimeContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

/**
 * {@link DockerCliRuntime} (the {@code docker} CLI on the pod-level SPI) against the local Docker engine: the whole
 * {@link ContainerRuntimeContract} (its capabilities leave out events and logs, so those tests are skipped as the
 * capabilities say).
 */
class DockerCliRuntimeContractIT extends ContainerRuntimeContract {

    private static DockerCliRuntime docker;

    @RegisterExtension
    static final ExecutionCondition SKIPPED_WITHOUT_DOCKER_OUTSIDE_CI = DockerEngines.SKIPPED_WITHOUT_DOCKER_OUTSIDE_CI;

    @BeforeAll
    static void dockerAndTheTestImagesAreUsable() {
        DockerEngines.requireUnderCi();
        docker = DockerEngines.cli();
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
        return DockerEngines.cli();
    }

    @Override
    protected String busyboxImage() {
        return ItEnvironment.BUSYBOX;
    }
}
