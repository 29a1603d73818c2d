package io.staticpod.runtime.spi;

/** As CRI's {@code ContainerState}. */
public enum ContainerState { CREATED, RUNNING, EXITED, UNKNOWN }
