package io.staticpod.runtime.cri;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.staticpod.runtime.cri.proto.Cri;

import java.util.Map;
import java.util.Optional;

/**
 * What the runtime says of itself through the CRI's verbose {@code Status}: the sandbox image it is configured with.
 * containerd's CRI plugin answers its whole config as JSON under the info key {@code config}, the sandbox image as
 * {@code sandboxImage} (its TOML setting {@code sandbox_image}); a runtime that answers no such key (CRI-O keeps its
 * {@code pause_image} elsewhere) leaves it unknown. Stateless.
 */
final class CriStatus {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CriStatus() {
    }

    /** One verbose {@code Status} call. */
    static Optional<String> sandboxImage(CriCalls calls) {
        Cri.StatusResponse answer = calls.runtime("Status", "runtime", calls.callTimeout(),
                s -> s.status(Cri.StatusRequest.newBuilder().setVerbose(true).build()));
        return sandboxImage(answer.getInfoMap());
    }

    /** The image under {@code config.sandboxImage}, empty when the info has none or is not JSON. */
    static Optional<String> sandboxImage(Map<String, String> info) {
        String config = info.get("config");
        if (config == null || config.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode image = JSON.readTree(config).path("sandboxImage");
            return image.isTextual() && !image.asText().isBlank() ? Optional.of(image.asText()) : Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
