package io.staticpod.mirror.api;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** The API server's time formats. */
final class Times {
    private static final DateTimeFormatter MICRO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter NANO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX");

    private Times() {
    }

    /** metav1.Time: RFC 3339 in UTC, whole seconds. */
    static String time(Instant t) {
        return t == null ? null : DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    /** metav1.MicroTime, as in Lease renewTime and events.k8s.io. */
    static String micro(Instant t) {
        return MICRO.format(t);
    }

    /** Go's RFC3339Nano with nine digits, as the kubelet writes {@code kubernetes.io/config.seen}. */
    static String nano(Instant t, ZoneId zone) {
        return NANO.format(t.atZone(zone));
    }
}
