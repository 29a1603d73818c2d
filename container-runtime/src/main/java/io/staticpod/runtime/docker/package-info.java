/**
 * What every Docker adapter shares, so that a node switching between them adopts its pods:
 * {@link io.staticpod.runtime.docker.DockerNaming} (dockershim's container names),
 * {@link io.staticpod.runtime.docker.DockerLabels} (labels, annotations kept as labels),
 * {@link io.staticpod.runtime.docker.DockerObjects} (Docker's JSON read into the SPI's records),
 * {@link io.staticpod.runtime.docker.DockerEnv} (a container's environment), and, whatever the transport,
 * {@link io.staticpod.runtime.docker.DockerSandboxes} (sandboxes as pause containers),
 * {@link io.staticpod.runtime.docker.DockerContainers} (statuses and lists read from inspect documents or list
 * entries) and {@link io.staticpod.runtime.docker.DockerRuntime} (the runtime's name, parts and snapshot). The
 * adapters on the pod-level SPI are in {@code docker.api} (the Engine API) and {@code docker.cli} (the {@code docker}
 * CLI).
 */
package io.staticpod.runtime.docker;
