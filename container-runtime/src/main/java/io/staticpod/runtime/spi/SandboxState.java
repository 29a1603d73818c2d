package io.staticpod.runtime.spi;

/** As CRI's {@code PodSandboxState}: READY while it runs and its network is set up. */
public enum SandboxState { READY, NOT_READY }
