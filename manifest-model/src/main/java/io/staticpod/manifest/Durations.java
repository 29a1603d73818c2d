package io.staticpod.manifest;

import java.time.Duration;

/** Durations as people write them in messages: {@code 5s}, {@code 1.5s}, {@code 300ms}. */
final class Durations {
    private Durations() {
    }

    static String show(Duration d) {
        long millis = d.toMillis();
        if (millis < 1000) {
            return millis + "ms";
        }
        return millis % 1000 == 0 ? millis / 1000 + "s" : String.format(java.util.Locale.ROOT, "%.1fs", millis / 1000.0);
    }
}
