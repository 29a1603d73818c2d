package io.staticpod.agent;

import io.staticpod.config.AgentConfig;
import io.staticpod.runtime.cri.CriRuntime;
import io.staticpod.runtime.cri.CriSettings;
import io.staticpod.runtime.ctr.CtrPodRuntime;
import io.staticpod.runtime.docker.api.DockerApiRuntime;
import io.staticpod.runtime.docker.cli.DockerCliRuntime;
import io.staticpod.runtime.exec.ProcessCommandRunner;
import io.staticpod.runtime.spi.ContainerRuntime;

import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The runtime adapter a configuration names ({@code --runtime}), on its endpoint ({@code --container-runtime-endpoint},
 * else the runtime's default). Nothing is asked of the engine here: an engine that is down is reported by the
 * relister, and pods start as soon as it answers.
 */
final class RuntimeAdapters {
    private RuntimeAdapters() {
    }

    /**
     * An adapter and the sandbox image the agent makes present for it.
     *
     * @param sandboxImage        the pause image the adapter runs sandboxes of ({@code --pod-infra-container-image}),
     *                            which the agent pulls when missing; null when the runtime has its own (CRI)
     * @param runtimeSandboxImage for a runtime with its own sandbox image (CRI): asks the runtime which one it is
     *                            configured with (empty when it does not say), for {@link SandboxImageCheck}; null
     *                            otherwise
     */
    record Opened(ContainerRuntime runtime, String sandboxImage, Callable<Optional<String>> runtimeSandboxImage) {
        Opened(ContainerRuntime runtime, String sandboxImage) {
            this(runtime, sandboxImage, null);
        }
    }

    /** @throws IllegalArgumentException naming the flag, when the configuration cannot be used */
    static Opened open(AgentConfig config) {
        String endpoint = config.effectiveRuntimeEndpoint();
        String pause = config.podInfraContainerImage();
        return switch (config.runtime()) {
            case DOCKER -> new Opened(DockerApiRuntime.connect(endpoint, DockerApiRuntime.DEFAULT_CALL_TIMEOUT, pause),
                    pause);
            // no endpoint configured: the CLI's own choice (DOCKER_HOST, else Docker's socket), as the docker CLI
            case DOCKER_CLI -> new Opened(DockerCliRuntime.create(config.dockerCli(), config.runtimeEndpoint(),
                    DockerApiRuntime.DEFAULT_CALL_TIMEOUT, pause), pause);
            case CTR -> new Opened(CtrPodRuntime.create(endpoint, CtrPodRuntime.DEFAULT_NAMESPACE, pause,
                    CtrPodRuntime.DEFAULT_LOG_DIR, new ProcessCommandRunner()), pause);
            // the runtime's own sandbox image (containerd: its CRI plugin's sandbox_image); pods' logs in the
            // kubelet's layout under /var/log/pods
            case CONTAINERD, CRI -> {
                CriRuntime cri = CriRuntime.connect(CriSettings.of(endpoint));
                yield new Opened(cri, null, cri::sandboxImage);
            }
        };
    }
}
