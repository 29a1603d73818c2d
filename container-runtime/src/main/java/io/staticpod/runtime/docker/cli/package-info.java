/**
 * The docker CLI adapter on the pod-level SPI ({@code --runtime docker-cli}):
 * {@link io.staticpod.runtime.docker.cli.DockerCliRuntime} runs the {@code docker} binary through the
 * {@link io.staticpod.runtime.exec.CommandRunner} seam, with the same containers, names and labels as the Engine API
 * adapter, so that either adopts what the other made. Environment values reach {@code docker create} through a
 * private env file or the CLI's own environment, never its command line ({@code CliEnv}); failures are typed in one
 * place ({@code CliErrors}).
 */
package io.staticpod.runtime.docker.cli;
