/**
 * The Docker adapter: {@link io.staticpod.runtime.docker.DockerCliRuntime} drives the {@code docker} CLI through
 * the {@link io.staticpod.runtime.exec.CommandRunner} seam and parses its JSON output. It maps a
 * {@link io.staticpod.runtime.LaunchSpec} onto {@code docker run} flags the way the kubelet's dockershim did, minus
 * the negative {@code --oom-score-adj} that these machines' runc refuses.
 */
package io.staticpod.runtime.docker;
