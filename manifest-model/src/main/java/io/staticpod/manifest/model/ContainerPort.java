package io.staticpod.manifest.model;

/** @param protocol defaulted to TCP; @param hostPort 0 when absent */
public record ContainerPort(String name, int containerPort, int hostPort, String hostIP, String protocol) {
}
