/**
 * The Docker Engine API adapter ({@code --runtime docker}): {@link io.staticpod.runtime.docker.api.DockerApiRuntime}
 * speaks HTTP/1.1 to dockerd over its UNIX socket with Apache HttpClient 5 on a small non-blocking socket adapter
 * ({@code UnixSocket}), so that every call has a deadline a hung engine cannot escape. Requests are built by
 * {@code CreateBodies} and answers typed by {@code ApiErrors}, the one place that maps the engine's answers onto
 * {@link io.staticpod.runtime.spi.RuntimeError}s; names, labels and the reading of Docker's JSON are shared with the
 * CLI adapter ({@link io.staticpod.runtime.docker}).
 */
package io.staticpod.runtime.docker.api;
