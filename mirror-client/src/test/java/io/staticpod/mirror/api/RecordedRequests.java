package io.staticpod.mirror.api;

import io.staticpod.mirror.ApiRequestListener;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An {@link ApiRequestListener} that keeps what it is told, as {@code verb resource code}. Thread-safe. */
final class RecordedRequests implements ApiRequestListener {
    private final List<String> seen = new CopyOnWriteArrayList<>();

    @Override
    public void apiRequest(String verb, String resource, Duration took, int code) {
        if (took.isNegative()) {
            throw new AssertionError("negative duration for " + verb + " " + resource);
        }
        seen.add(verb + " " + resource + " " + code);
    }

    List<String> all() {
        return List.copyOf(seen);
    }

    long count(String verbResourceCode) {
        return seen.stream().filter(verbResourceCode::equals).count();
    }
}
