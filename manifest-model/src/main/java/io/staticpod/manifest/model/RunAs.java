package io.staticpod.manifest.model;

/**
 * Whom the processes run as.
 *
 * @param user    {@code runAsUser}, or null for the image's user
 * @param group   {@code runAsGroup}, or null for the user's primary group
 * @param nonRoot {@code runAsNonRoot}: the container must not start as uid 0
 */
public record RunAs(Long user, Long group, boolean nonRoot) {
    public static final RunAs IMAGE_USER = new RunAs(null, null, false);
}
