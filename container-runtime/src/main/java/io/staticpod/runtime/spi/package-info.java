/**
 * The pod-level runtime SPI, in the CRI's shape, reached through one {@link ContainerRuntime}: its three parts
 * ({@link RuntimeParts}), pod sandboxes ({@link PodSandboxes}), containers in a sandbox ({@link Containers}) and
 * images ({@link Images}), and the optional abilities a runtime may have ({@link ExecSync}, {@link ExitEvents},
 * {@link ContainerLogs}, {@link LogRotation}, {@link StreamingUrls}). What a runtime can do is data
 * ({@link Capabilities}); what went wrong is a type ({@link RuntimeError} and its kinds). A decorator (the agent's
 * metrics) extends {@link ForwardingContainerRuntime} and overrides only what it changes.
 *
 * <p>The agent keeps all pod knowledge (restart policy, back-off, probes, volumes, names of the pod's files): an
 * adapter only maps these calls onto its engine (the Docker Engine API, CRI over gRPC, the {@code docker} or
 * {@code ctr} command line) and finds what it made again by the labels it was given. Every value here is an
 * immutable record; nothing in this package depends on the rest of the project.
 */
package io.staticpod.runtime.spi;
