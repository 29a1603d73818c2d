package io.staticpod.runtime.docker.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.staticpod.runtime.spi.ImageInfo;
import io.staticpod.runtime.spi.Images;
import io.staticpod.runtime.spi.RuntimeError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** Images on the Docker Engine API: {@code GET /images/{name}/json} and {@code POST /images/create} (a pull). */
final class ApiImages implements Images {

    private final ApiClient api;
    private final Duration pullTimeout;

    ApiImages(ApiClient api, Duration pullTimeout) {
        this.api = api;
        this.pullTimeout = pullTimeout;
    }

    @Override
    public Optional<ImageInfo> status(String image) {
        String what = "status of image " + image;
        DockerHttp.Answer answer = api.send(what, "GET", "/images/" + image + "/json", null, api.callTimeout);
        if (answer.status() == 404) {
            return Optional.empty();
        }
        if (answer.status() != 200) {
            throw ApiErrors.status(ApiErrors.Kind.READ, what, answer.status(), answer.body(), api.version());
        }
        return Optional.of(new ImageInfo(image, ApiClient.json(what, answer).path("Id").asText()));
    }

    /**
     * Pulls, within the pull deadline. The engine answers 200 at once and reports a failure inside its stream of
     * progress lines ({@code {"error": ...}}), which is read to its end.
     */
    @Override
    public ImageInfo pull(String image) {
        String what = "pull image " + image;
        DockerHttp.Answer answer = api.call(ApiErrors.Kind.IMAGE, what, "POST", "/images/create?" + query(image),
                null, pullTimeout);
        for (String line : new String(answer.body(), StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode progress;
            try {
                progress = ApiClient.JSON.readTree(line);
            } catch (IOException e) {
                continue;
            }
            if (progress.hasNonNull("error")) {
                throw new RuntimeError.ImageUnavailable("docker: " + what + ": " + progress.get("error").asText(),
                        null);
            }
        }
        return status(image).orElseThrow(() -> new RuntimeError.ImageUnavailable("docker: " + what
                + ": the pull ended but the image is not present", null));
    }

    /** {@code fromImage=<repository>&tag=<tag>}; a digest reference goes whole in {@code fromImage}. */
    static String query(String image) {
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        if (image.contains("@") || colon <= slash) {
            return "fromImage=" + ApiClient.encode(image) + (image.contains("@") ? "" : "&tag=latest");
        }
        return "fromImage=" + ApiClient.encode(image.substring(0, colon)) + "&tag="
                + ApiClient.encode(image.substring(colon + 1));
    }
}
