package io.staticpod.manifest.model;

/**
 * Where a downward-API value comes from, in an environment variable's {@code valueFrom} or a {@code downwardAPI}
 * volume's item: a field of the pod ({@link FieldRef}) or a resource of one of its containers
 * ({@link ResourceFieldRef}).
 */
public sealed interface ValueSource permits FieldRef, ResourceFieldRef {
}
