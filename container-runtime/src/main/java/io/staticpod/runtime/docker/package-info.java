/**
 * What every Docker adapter shares, so that a node switching between them adopts its pods:
 * {@link io.staticpod.runtime.docker.DockerNaming} (dockershim's container names),
 * {@link io.staticpod.runtime.docker.DockerLabels} (labels, annotations kept as labels) and
 * {@link io.staticpod.runtime.docker.DockerObjects} (Docker's JSON read into the SPI's records). The adapters on the
 * pod-level SPI are in {@code docker.api} (the Engine API) and {@code docker.cli} (the {@code docker} CLI).
 *
 * <p>Also here, until the agent has moved to the pod-level SPI: the old container-level
 * {@link io.staticpod.runtime.docker.DockerCliRuntime}, which drives the {@code docker} CLI through the
 * {@link io.staticpod.runtime.exec.CommandRunner} seam and maps a {@link io.staticpod.runtime.LaunchSpec} onto
 * {@code docker run} flags the way the kubelet's dockershim did, minus the negative {@code --oom-score-adj} that these
 * machines' runc refuses.
 */
package io.staticpod.runtime.docker;
