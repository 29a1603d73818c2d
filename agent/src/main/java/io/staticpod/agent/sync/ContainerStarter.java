package io.staticpod.agent.sync;

import io.staticpod.agent.launch.LaunchConfigs;
import io.staticpod.agent.launch.LaunchException;
import io.staticpod.agent.launch.PodFiles;
import io.staticpod.manifest.StaticPod;
import io.staticpod.manifest.model.Container;
import io.staticpod.manifest.model.ImagePullPolicy;
import io.staticpod.manifest.model.Probe;
import io.staticpod.mirror.MirrorClient;
import io.staticpod.mirror.PodEvent;
import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.SandboxConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Starts one container instance as the kubelet does: its image by the pull policy, then create and start in the
 * sandbox, with the kubelet's events (Pulled, Created, Started) and one log line, then its postStart hook (a failed
 * one kills it: {@link LifecycleHooks}). A failure is thrown as
 * {@link Failed}, with the waiting reason the status shows.
 */
final class ContainerStarter {
    private static final Logger log = LoggerFactory.getLogger(ContainerStarter.class);

    private final ContainerRuntime runtime;
    private final LaunchConfigs launch;
    private final MirrorClient mirror;
    private final PresentImages images;
    private final LifecycleHooks hooks;

    ContainerStarter(ContainerRuntime runtime, LaunchConfigs launch, MirrorClient mirror, PresentImages images,
                     LifecycleHooks hooks) {
        this.runtime = runtime;
        this.launch = launch;
        this.mirror = mirror;
        this.images = images;
        this.hooks = hooks;
    }

    /**
     * A start that failed; {@code reason} is the kubelet's waiting reason (ErrImagePull, RunContainerError …), and
     * {@code createdId} the container that was created but did not start, or null.
     */
    static final class Failed extends Exception {
        private final String reason;
        private final String createdId;

        Failed(String reason, String message, Throwable cause) {
            this(reason, message, cause, null);
        }

        Failed(String reason, String message, Throwable cause, String createdId) {
            super(message, cause);
            this.reason = reason;
            this.createdId = createdId;
        }

        String reason() {
            return reason;
        }

        String createdId() {
            return createdId;
        }
    }

    /** Starts instance {@code attempt} of {@code c} in the sandbox; returns the new container's id. */
    String start(StaticPod pod, Container c, int attempt, String sandboxId, SandboxConfig sandboxConfig,
                 PodFiles files) throws Failed {
        ImagePullPolicy policy = c.imagePullPolicy() == null ? ImagePullPolicy.IfNotPresent : c.imagePullPolicy();
        PresentImages.Ensured image;
        try {
            image = images.ensure(c.image(), policy);
        } catch (RuntimeError.ImageUnavailable e) {
            throw new Failed(policy == ImagePullPolicy.Never ? "ErrImageNeverPull" : "ErrImagePull", e.getMessage(), e);
        } catch (RuntimeError e) {
            throw new Failed("ErrImagePull", e.getMessage(), e);
        }
        if (image.pullWarning() != null) {
            log.warn("Pulling image failed; using the copy present on the node pod={} container={} image={} error={}",
                    pod.key(), c.name(), c.image(), image.pullWarning());
        }
        mirror.podEvent(pod.key(), new PodEvent(PodEvent.Type.Normal, "Pulled", image.pulled()
                ? "Successfully pulled image \"" + c.image() + "\""
                : "Container image \"" + c.image() + "\" already present on machine", c.name()));
        ContainerConfig config;
        try {
            config = launch.container(pod, c, attempt, files);
        } catch (LaunchException e) {
            throw new Failed("CreateContainerConfigError", e.getMessage(), e);
        }
        String id;
        try {
            id = runtime.containers().create(sandboxId, config, sandboxConfig);
        } catch (RuntimeError e) {
            if (e instanceof RuntimeError.ImageUnavailable) {
                images.forget(c.image()); // removed behind the agent's back: the retry asks the runtime again
                throw new Failed("ErrImagePull", e.getMessage(), e);
            }
            throw new Failed("CreateContainerError", e.getMessage(), e);
        }
        mirror.podEvent(pod.key(), new PodEvent(PodEvent.Type.Normal, "Created", "Created container " + c.name(),
                c.name()));
        try {
            runtime.containers().start(id);
        } catch (RuntimeError e) {
            throw new Failed("RunContainerError", e.getMessage(), e, id);
        }
        mirror.podEvent(pod.key(), new PodEvent(PodEvent.Type.Normal, "Started", "Started container " + c.name(),
                c.name()));
        log.info("Started container of static pod pod={} container={} id={} restartCount={} file={}", pod.key(),
                c.name(), PodExecutor.shortId(id), attempt, pod.file());
        Probe.Action postStart = c.lifecycle().postStart();
        if (postStart != null && hooks.postStart(pod.key(), pod.uid(), c.name(), id, sandboxId, postStart,
                c.ports()) != null) {
            // killed as the kubelet kills it (its preStop hook too); its exit restarts it by policy and back-off
            try {
                hooks.stop(pod.key(), pod.uid(), c.name(), id, sandboxId, c.lifecycle().preStop(),
                        Duration.ofSeconds(pod.pod().spec().terminationGracePeriodSeconds()));
            } catch (RuntimeError e) {
                log.warn("Cannot stop the container whose postStart hook failed pod={} container={} error={}",
                        pod.key(), c.name(), e.getMessage());
            }
        }
        return id;
    }
}
