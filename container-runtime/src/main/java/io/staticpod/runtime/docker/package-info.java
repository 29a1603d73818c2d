/**
 * What every Docker adapter shares, so that a node switching between them adopts its pods:
 * {@link io.staticpod.runtime.docker.DockerNaming} (dockershim's container names),
 * {@link io.staticpod.runtime.docker.DockerLabels} (labels, annotations kept as labels) and
 * {@link io.staticpod.runtime.docker.DockerObjects} (Docker's JSON read into the SPI's records). The adapters on the
 * pod-level SPI are in {@code docker.api} (the Engine API) and {@code docker.cli} (the {@code docker} CLI).
 */
package io.staticpod.runtime.docker;
