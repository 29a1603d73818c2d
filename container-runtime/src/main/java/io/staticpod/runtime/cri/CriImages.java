package io.staticpod.runtime.cri;

import io.grpc.StatusRuntimeException;
import io.staticpod.runtime.cri.proto.Cri;
import io.staticpod.runtime.spi.ImageInfo;
import io.staticpod.runtime.spi.Images;
import io.staticpod.runtime.spi.RuntimeError;

import java.util.Optional;

/**
 * Images through the CRI's ImageService: what the runtime's CRI sees (containerd: its {@code k8s.io} namespace),
 * references normalised by the runtime ({@code busybox} is {@code docker.io/library/busybox:latest}). Deadlines:
 * {@link CriSettings#callTimeout()} for a status, {@link CriSettings#pullTimeout()} for a pull.
 */
final class CriImages implements Images {
    private final CriCalls calls;

    CriImages(CriCalls calls) {
        this.calls = calls;
    }

    @Override
    public Optional<ImageInfo> status(String image) {
        Cri.ImageStatusRequest request = Cri.ImageStatusRequest.newBuilder()
                .setImage(Cri.ImageSpec.newBuilder().setImage(image)).build();
        Cri.ImageStatusResponse answer;
        try {
            answer = calls.images(calls.callTimeout(), s -> s.imageStatus(request));
        } catch (StatusRuntimeException e) {
            throw calls.errors().map("ImageStatus", image, e);
        }
        // an image that is not there is an answer without one, not an error
        return answer.hasImage() && !answer.getImage().getId().isEmpty()
                ? Optional.of(new ImageInfo(image, answer.getImage().getId()))
                : Optional.empty();
    }

    @Override
    public ImageInfo pull(String image) {
        Cri.PullImageRequest request = Cri.PullImageRequest.newBuilder()
                .setImage(Cri.ImageSpec.newBuilder().setImage(image)).build();
        Cri.PullImageResponse answer;
        try {
            answer = calls.images(calls.settings().pullTimeout(), s -> s.pullImage(request));
        } catch (StatusRuntimeException e) {
            throw calls.errors().pullFailed(image, e);
        }
        return status(image).orElseGet(() -> {
            if (answer.getImageRef().isEmpty()) {
                throw new RuntimeError.ImageUnavailable("CRI PullImage " + image + " at "
                        + calls.settings().endpoint() + " succeeded, but the image is not there afterwards", null);
            }
            return new ImageInfo(image, answer.getImageRef());
        });
    }
}
