package io.staticpod.agent.pod;

import io.staticpod.runtime.ContainerRuntime;
import io.staticpod.runtime.ImageResult;
import io.staticpod.runtime.PullPolicy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Images known to be on the node, so that {@code IfNotPresent} and {@code Never} need not ask the runtime again at
 * every start (a CLI round trip each). {@code Always} still asks every time. An image removed behind the agent's back
 * makes the next start fail; the caller then {@link #forget}s it, and the retry asks again.
 */
final class PresentImages {
    private final ContainerRuntime runtime;
    private final Map<String, ImageResult> known = new ConcurrentHashMap<>();

    PresentImages(ContainerRuntime runtime) {
        this.runtime = runtime;
    }

    ImageResult ensure(String image, PullPolicy policy) {
        if (policy != PullPolicy.ALWAYS) {
            ImageResult cached = known.get(image);
            if (cached != null) {
                return new ImageResult(image, cached.imageId(), false, null);
            }
        }
        ImageResult result = runtime.ensureImage(image, policy);
        known.put(image, result);
        return result;
    }

    void forget(String image) {
        known.remove(image);
    }
}
