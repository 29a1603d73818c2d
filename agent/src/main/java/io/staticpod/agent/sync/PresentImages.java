package io.staticpod.agent.sync;

import io.staticpod.manifest.model.ImagePullPolicy;
import io.staticpod.runtime.spi.ImageInfo;
import io.staticpod.runtime.spi.Images;
import io.staticpod.runtime.spi.RuntimeError;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes a container's image present by its pull policy, as the kubelet's image manager: {@code Always} pulls, and
 * when the pull fails but the image is on the node, that copy is used (an air-gapped node keeps running);
 * {@code IfNotPresent} pulls only what is missing; {@code Never} never pulls. Images known to be present are
 * remembered, so that restarts ask the runtime nothing; an image removed behind the agent's back makes the next start
 * fail, the caller {@link #forget}s it and the retry asks again. Thread-safe.
 */
final class PresentImages {
    private final Images images;
    private final Map<String, ImageInfo> known = new ConcurrentHashMap<>();

    PresentImages(Images images) {
        this.images = images;
    }

    /**
     * What was done to have the image.
     *
     * @param pullWarning why an {@code Always} pull failed although a copy was present, else null
     */
    record Ensured(ImageInfo image, boolean pulled, String pullWarning) {
    }

    /** @throws RuntimeError.ImageUnavailable when it is neither present nor pulled (Never: not present) */
    Ensured ensure(String image, ImagePullPolicy policy) {
        if (policy != ImagePullPolicy.Always) {
            ImageInfo cached = known.get(image);
            if (cached != null) {
                return new Ensured(cached, false, null);
            }
            Optional<ImageInfo> present = images.status(image);
            if (present.isPresent()) {
                known.put(image, present.get());
                return new Ensured(present.get(), false, null);
            }
            if (policy == ImagePullPolicy.Never) {
                throw new RuntimeError.ImageUnavailable("image " + image + " is not present on the node and its "
                        + "imagePullPolicy is Never: load it on the node, or change the policy", null);
            }
        }
        try {
            ImageInfo pulled = images.pull(image);
            known.put(image, pulled);
            return new Ensured(pulled, true, null);
        } catch (RuntimeError.ImageUnavailable e) {
            if (policy == ImagePullPolicy.Always) {
                Optional<ImageInfo> present = images.status(image);
                if (present.isPresent()) {
                    return new Ensured(present.get(), false, e.getMessage());
                }
            }
            throw e;
        }
    }

    void forget(String image) {
        known.remove(image);
    }
}
