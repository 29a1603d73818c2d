/**
 * The agent's configuration: a KubeletConfiguration-compatible file ({@code --config}) and kubelet-like flags,
 * merged into one {@link io.staticpod.config.AgentConfig}, with every error reported at once.
 */
package io.staticpod.config;
