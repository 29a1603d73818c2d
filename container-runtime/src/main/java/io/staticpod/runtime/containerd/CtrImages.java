package io.staticpod.runtime.containerd;

import io.staticpod.runtime.ImageResult;
import io.staticpod.runtime.PullPolicy;
import io.staticpod.runtime.containerd.CtrOutput.ImageConfig;
import io.staticpod.runtime.exec.CommandException;
import io.staticpod.runtime.exec.CommandResult;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Images in the adapter's containerd namespace: presence ({@code ctr images ls name=="REF"}), pulls, and the image
 * config (followed index → manifest → config with {@code ctr content get}), whose digest is the image id Docker
 * reports and whose Entrypoint {@code args} without {@code command} follow. References are normalised first
 * ({@link ImageRef}). Thread-safe.
 */
final class CtrImages {

    /** One ctr call: {@code ctr --address … --namespace … ARGS}. */
    @FunctionalInterface
    interface Ctr {
        CommandResult run(Duration timeout, String... args);
    }

    private final Ctr ctr;
    private final String namespace;
    private final Duration timeout;
    private final Duration pullTimeout;
    /** Image configs by manifest digest: content-addressed, so never stale. */
    private final Map<String, ImageConfig> imageConfigs = new ConcurrentHashMap<>();

    CtrImages(Ctr ctr, String namespace, Duration timeout, Duration pullTimeout) {
        this.ctr = ctr;
        this.namespace = namespace;
        this.timeout = timeout;
        this.pullTimeout = pullTimeout;
    }

    /** {@link io.staticpod.runtime.ContainerRuntime#ensureImage}, with the Docker adapter's fallback rules. */
    ImageResult ensure(String image, PullPolicy policy) {
        String ref = ImageRef.normalize(image);
        switch (policy) {
            case NEVER:
                return local(ref).map(c -> new ImageResult(image, c.configDigest(), false, null))
                        .orElseThrow(() -> new IllegalStateException("image " + image + " (" + ref
                                + ") not present in containerd namespace " + namespace
                                + " and imagePullPolicy is Never"));
            case IF_NOT_PRESENT: {
                Optional<ImageConfig> local = local(ref);
                if (local.isPresent()) {
                    return new ImageResult(image, local.get().configDigest(), false, null);
                }
                CommandResult pull = pull(ref);
                if (!pull.succeeded()) {
                    throw new IllegalStateException("image " + image + " not present, and "
                            + CommandException.failed(pull).getMessage());
                }
                return new ImageResult(image, pulledImage(ref), true, null);
            }
            case ALWAYS: {
                CommandResult pull = pull(ref);
                if (pull.succeeded()) {
                    return new ImageResult(image, pulledImage(ref), true, null);
                }
                String pullError = CommandException.failed(pull).getMessage();
                Optional<ImageConfig> local = local(ref);
                if (local.isPresent()) {
                    return new ImageResult(image, local.get().configDigest(), false, pullError);
                }
                throw new IllegalStateException("image " + image + " cannot be pulled (" + pullError
                        + ") and is not present in containerd namespace " + namespace);
            }
            default:
                throw new IllegalArgumentException("unknown pull policy " + policy);
        }
    }

    /** The image's config if {@code ref} (normalised) is in the namespace. */
    Optional<ImageConfig> local(String ref) {
        CommandResult ls = ctr.run(timeout, "images", "ls", "name==\"" + ref + "\"").orThrow();
        Optional<String> digest = CtrOutput.imageDigest(ls.stdout(), ref);
        return digest.map(this::imageConfig);
    }

    /** Follows index → manifest → config through {@code ctr content get}; cached by the top digest. */
    private ImageConfig imageConfig(String digest) {
        ImageConfig cached = imageConfigs.get(digest);
        if (cached != null) {
            return cached;
        }
        String next = digest;
        for (int depth = 0; depth < 3; depth++) {
            String json = ctr.run(timeout, "content", "get", next).orThrow().stdout();
            CtrOutput.Child child = CtrOutput.child(json, "linux", goArch());
            if (child.config()) {
                ImageConfig config = CtrOutput.imageConfig(child.digest(),
                        ctr.run(timeout, "content", "get", child.digest()).orThrow().stdout());
                imageConfigs.put(digest, config);
                return config;
            }
            next = child.digest();
        }
        throw new IllegalStateException("image " + digest + " nests indexes too deeply");
    }

    private String pulledImage(String ref) {
        return local(ref).orElseThrow(() -> new IllegalStateException(
                "`ctr images pull " + ref + "` succeeded but the image is not present afterwards")).configDigest();
    }

    private CommandResult pull(String ref) {
        return ctr.run(pullTimeout, "images", "pull", ref);
    }

    private static String goArch() {
        String arch = System.getProperty("os.arch");
        switch (arch) {
            case "amd64":
            case "x86_64":
                return "amd64";
            case "aarch64":
                return "arm64";
            default:
                return arch;
        }
    }
}
