package io.staticpod.agent.pod;

import io.staticpod.manifest.StaticPod;
import io.staticpod.manifest.model.Container;
import io.staticpod.manifest.model.ImagePullPolicy;
import io.staticpod.mirror.MirrorClient;
import io.staticpod.mirror.PodEvent;
import io.staticpod.runtime.ContainerRuntime;
import io.staticpod.runtime.ImageResult;
import io.staticpod.runtime.PullPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Map;

/**
 * Starts one container instance as the kubelet does: the image by its pull policy, then create and start, with the
 * kubelet's events (Pulled, Created, Started) and a log line. Failures are thrown; the caller backs off.
 */
final class ContainerStarter {
    private static final Logger log = LoggerFactory.getLogger(ContainerStarter.class);

    private final ContainerRuntime runtime;
    private final LaunchSpecs specs;
    private final MirrorClient mirror;
    private final PresentImages images;

    ContainerStarter(ContainerRuntime runtime, LaunchSpecs specs, MirrorClient mirror, PresentImages images) {
        this.runtime = runtime;
        this.specs = specs;
        this.mirror = mirror;
        this.images = images;
    }

    /**
     * @throws ImageUnavailable            when the image can be neither found nor pulled
     * @throws Volumes.VolumeException     when the container's configuration cannot be honoured
     * @throws RuntimeException            when the runtime refuses to create or start it
     */
    void start(StaticPod pod, Container c, int attempt, String sandboxId, String podIp, Map<String, Path> volumePaths)
            throws Volumes.VolumeException {
        ImageResult image;
        try {
            image = images.ensure(c.image(), pullPolicy(c.imagePullPolicy()));
        } catch (RuntimeException e) {
            throw new ImageUnavailable(e.getMessage(), e);
        }
        if (image.pullWarning() != null) {
            log.warn("Pulling image failed; using the copy present on the node pod={} container={} image={} error={}",
                    pod.key(), c.name(), c.image(), image.pullWarning());
        }
        mirror.podEvent(pod.key(), new PodEvent(PodEvent.Type.Normal, "Pulled", image.pulled()
                ? "Successfully pulled image \"" + c.image() + "\""
                : "Container image \"" + c.image() + "\" already present on machine", c.name()));
        String id;
        try {
            id = runtime.start(specs.container(pod, c, attempt, sandboxId, podIp, volumePaths));
        } catch (RuntimeException e) {
            images.forget(c.image()); // perhaps removed behind our back: the retry asks the runtime again
            throw e;
        }
        mirror.podEvent(pod.key(), new PodEvent(PodEvent.Type.Normal, "Created", "Created container " + c.name(),
                c.name()));
        mirror.podEvent(pod.key(), new PodEvent(PodEvent.Type.Normal, "Started", "Started container " + c.name(),
                c.name()));
        log.info("Started container of static pod pod={} container={} id={} restartCount={} file={}",
                pod.key(), c.name(), PodSync.shortId(id), attempt, pod.file());
    }

    static PullPolicy pullPolicy(ImagePullPolicy p) {
        if (p == null) {
            return PullPolicy.IF_NOT_PRESENT;
        }
        return switch (p) {
            case Always -> PullPolicy.ALWAYS;
            case IfNotPresent -> PullPolicy.IF_NOT_PRESENT;
            case Never -> PullPolicy.NEVER;
        };
    }

    /** The image could not be made available: reported as ErrImagePull, then ImagePullBackOff. */
    static final class ImageUnavailable extends RuntimeException {
        ImageUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
