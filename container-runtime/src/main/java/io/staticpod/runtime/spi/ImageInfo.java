package io.staticpod.runtime.spi;

import java.util.Objects;

/**
 * An image present on the node.
 *
 * @param image the reference as asked for
 * @param id    the engine's id of it ({@code sha256:…})
 */
public record ImageInfo(String image, String id) {
    public ImageInfo {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(id, "id");
    }
}
