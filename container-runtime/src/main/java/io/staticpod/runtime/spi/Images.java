package io.staticpod.runtime.spi;

import java.util.Optional;

/** Images. Rules of {@link ContainerRuntime} apply; references are normalised the way the engine does. */
public interface Images {

    /** The image as present on the node, or empty when it is not. */
    Optional<ImageInfo> status(String image);

    /**
     * Pulls the image from its registry and returns it as present afterwards. Blocks for the pull (its deadline
     * is long: minutes).
     *
     * @throws RuntimeError.ImageUnavailable when the pull fails (the message is the registry's answer)
     */
    ImageInfo pull(String image);
}
