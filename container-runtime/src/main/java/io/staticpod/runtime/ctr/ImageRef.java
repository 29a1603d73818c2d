package io.staticpod.runtime.ctr;

import java.util.Locale;

/**
 * Image references normalised the way Docker does ({@code reference.ParseNormalizedNamed} plus the default tag), because
 * containerd knows only full references: {@code ctr images import} of a {@code docker save} of {@code busybox} names
 * the image {@code docker.io/library/busybox:latest}, and {@code ctr images pull busybox} fails with
 * {@code object required}.
 *
 * <ul>
 *   <li>no registry (the first path component has no {@code .} or {@code :} and is not {@code localhost}):
 *       {@code docker.io/} is prepended, and {@code library/} too for a single component;</li>
 *   <li>{@code index.docker.io} is spelled {@code docker.io};</li>
 *   <li>no tag and no digest: {@code :latest}.</li>
 * </ul>
 */
public final class ImageRef {

    private ImageRef() {
    }

    /** The full reference, e.g. {@code busybox} → {@code docker.io/library/busybox:latest}. */
    public static String normalize(String image) {
        String ref = image.strip();
        if (ref.isEmpty()) {
            throw new IllegalArgumentException("empty image reference");
        }
        String digest = "";
        int at = ref.indexOf('@');
        if (at >= 0) {
            digest = ref.substring(at);
            ref = ref.substring(0, at);
        }
        int slash = ref.indexOf('/');
        String domain = slash < 0 ? "" : ref.substring(0, slash);
        String remainder;
        if (slash < 0 || !(domain.contains(".") || domain.contains(":") || domain.equals("localhost"))) {
            domain = "docker.io";
            remainder = ref;
        } else {
            remainder = ref.substring(slash + 1);
        }
        if (domain.equals("index.docker.io")) {
            domain = "docker.io";
        }
        if (domain.equals("docker.io") && remainder.indexOf('/') < 0) {
            remainder = "library/" + remainder;
        }
        int tagColon = remainder.indexOf(':', remainder.lastIndexOf('/') + 1);
        String repository = tagColon < 0 ? remainder : remainder.substring(0, tagColon);
        if (!repository.equals(repository.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("invalid image reference " + image
                    + ": repository name must be lowercase");
        }
        if (tagColon < 0 && digest.isEmpty()) {
            remainder = remainder + ":latest";
        }
        return domain + "/" + remainder + digest;
    }
}
