package io.staticpod.runtime;

/**
 * The outcome of {@link ContainerRuntime#ensureImage}.
 *
 * @param image       the reference as asked for
 * @param imageId     the engine's id of the image (e.g. {@code sha256:…})
 * @param pulled      true when this call pulled the image
 * @param pullWarning when a pull failed and the local copy is used, the pull's error; otherwise null
 */
public record ImageResult(String image, String imageId, boolean pulled, String pullWarning) {
}
