package io.staticpod.runtime.ctr;

import io.staticpod.runtime.ctr.CtrOutput.ImageConfig;
import io.staticpod.runtime.exec.CommandResult;
import io.staticpod.runtime.spi.ImageInfo;
import io.staticpod.runtime.spi.Images;
import io.staticpod.runtime.spi.RuntimeError;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Images in the adapter's containerd namespace: presence ({@code ctr images ls name=="REF"}), pulls, and the image
 * config (followed index → manifest → config with {@code ctr content get}), whose digest is the image id Docker
 * reports and whose Entrypoint {@code args} without {@code command} follow. References are normalised first
 * ({@link ImageRef}), since containerd knows only full ones. Thread-safe.
 */
public final class CtrImages implements Images {

    private final CtrCli ctr;
    private final Duration timeout;
    private final Duration pullTimeout;
    /** Image configs by manifest digest: content-addressed, so never stale. */
    private final Map<String, ImageConfig> imageConfigs = new ConcurrentHashMap<>();

    /**
     * @param timeout     the deadline of a look-up
     * @param pullTimeout the deadline of a pull
     */
    public CtrImages(CtrCli ctr, Duration timeout, Duration pullTimeout) {
        this.ctr = Objects.requireNonNull(ctr, "ctr");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.pullTimeout = Objects.requireNonNull(pullTimeout, "pullTimeout");
    }

    @Override
    public Optional<ImageInfo> status(String image) {
        return local(normalize(image)).map(c -> new ImageInfo(image, c.configDigest()));
    }

    /**
     * {@code ctr images pull}. A containerd that cannot be reached is {@link RuntimeError.Unavailable}, any other
     * failure {@link RuntimeError.ImageUnavailable} with ctr's answer.
     */
    @Override
    public ImageInfo pull(String image) {
        String ref = normalize(image);
        String what = "pull image " + image;
        CommandResult pull = pullRef(ref);
        if (!pull.succeeded()) {
            RuntimeError error = CtrErrors.failure(what, pull);
            throw error instanceof RuntimeError.Unavailable ? error
                    : new RuntimeError.ImageUnavailable(error.getMessage(), null);
        }
        return status(image).orElseThrow(() -> new RuntimeError.ImageUnavailable(what + ": `ctr images pull " + ref
                + "` succeeded but the image is not in containerd namespace " + ctr.namespace() + " afterwards", null));
    }

    /** The image's config if {@code ref} (normalised) is in the namespace. */
    public Optional<ImageConfig> local(String ref) {
        CommandResult ls = ctr.ok("look up image " + ref, timeout, "images", "ls", "name==\"" + ref + "\"");
        Optional<String> digest = CtrOutput.imageDigest(ls.stdout(), ref);
        return digest.map(this::imageConfig);
    }

    /** {@code ctr images pull REF} (normalised), with any exit code. */
    public CommandResult pullRef(String ref) {
        return ctr.call("pull image " + ref, pullTimeout, "images", "pull", ref);
    }

    /** {@link ImageRef#normalize}, an invalid reference being {@link RuntimeError.ImageUnavailable}. */
    static String normalize(String image) {
        try {
            return ImageRef.normalize(image);
        } catch (IllegalArgumentException e) {
            throw new RuntimeError.ImageUnavailable(e.getMessage(), e);
        }
    }

    /** Follows index → manifest → config through {@code ctr content get}; cached by the top digest. */
    private ImageConfig imageConfig(String digest) {
        ImageConfig cached = imageConfigs.get(digest);
        if (cached != null) {
            return cached;
        }
        String what = "read image " + digest;
        String next = digest;
        for (int depth = 0; depth < 3; depth++) {
            String json = ctr.ok(what, timeout, "content", "get", next).stdout();
            CtrOutput.Child child = CtrOutput.child(json, "linux", goArch());
            if (child.config()) {
                ImageConfig config = CtrOutput.imageConfig(child.digest(),
                        ctr.ok(what, timeout, "content", "get", child.digest()).stdout());
                imageConfigs.put(digest, config);
                return config;
            }
            next = child.digest();
        }
        throw new RuntimeError.ImageUnavailable(what + ": it nests indexes too deeply", null);
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
