package io.staticpod.runtime;

/** When to pull an image, as Kubernetes' {@code imagePullPolicy}. */
public enum PullPolicy {
    ALWAYS,
    IF_NOT_PRESENT,
    NEVER
}
