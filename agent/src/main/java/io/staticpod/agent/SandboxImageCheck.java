package io.staticpod.agent;

import io.staticpod.runtime.spi.Images;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * For a runtime that runs sandboxes of its own image (CRI: containerd's {@code sandbox_image}), the agent does not
 * pull that image: the runtime does at the first pod, which fails on a node without registry access. So, once the
 * runtime answers, the agent asks it which image it is configured with and whether that image is present, and when it
 * is not, says so once at ERROR, naming the setting. Nothing is changed either way.
 */
final class SandboxImageCheck {
    private static final Logger log = LoggerFactory.getLogger(SandboxImageCheck.class);
    /** containerd's setting, in its config file's CRI plugin section. */
    static final String CONTAINERD_SETTING = "sandbox_image in [plugins.\"io.containerd.grpc.v1.cri\"] of containerd's"
            + " config.toml";

    /** What a check came to. */
    enum Outcome { PRESENT, MISSING, NOT_SAID, UNREACHABLE }

    private final String runtimeName;
    private final Callable<Optional<String>> configured;
    private final Images images;

    /**
     * @param configured asks the runtime which sandbox image it is configured with (empty: it does not say); throws
     *                   when the runtime cannot be asked
     */
    SandboxImageCheck(String runtimeName, Callable<Optional<String>> configured, Images images) {
        this.runtimeName = runtimeName;
        this.configured = configured;
        this.images = images;
    }

    /** One check; logs its outcome unless the runtime could not be asked. */
    Outcome check() {
        Optional<String> image;
        try {
            image = configured.call();
            if (image.isEmpty()) {
                log.info("Container runtime does not say which sandbox image it runs; not checked runtime={}",
                        runtimeName);
                return Outcome.NOT_SAID;
            }
            if (images.status(image.get()).isPresent()) {
                log.info("Sandbox image of the container runtime is present image={} runtime={}", image.get(),
                        runtimeName);
                return Outcome.PRESENT;
            }
        } catch (Exception e) {
            return Outcome.UNREACHABLE;
        }
        log.error("Sandbox image of the container runtime is not present: the runtime pulls it when it runs the first"
                        + " pod, which fails without access to its registry; import the image into the runtime, or set"
                        + " the runtime's sandbox image to one that is present setting=\"{}\" image={} runtime={}",
                setting(), image.get(), runtimeName);
        return Outcome.MISSING;
    }

    /** Checks on {@code loop} now and every {@code retry} until the runtime could be asked. */
    void start(ScheduledExecutorService loop, Duration retry) {
        loop.execute(() -> {
            if (check() == Outcome.UNREACHABLE) {
                loop.schedule(() -> start(loop, retry), retry.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    private String setting() {
        return "containerd".equals(runtimeName) ? CONTAINERD_SETTING
                : "the sandbox (pause) image setting of " + runtimeName + "'s config";
    }
}
