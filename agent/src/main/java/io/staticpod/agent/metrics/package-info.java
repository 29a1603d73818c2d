/**
 * The agent's Prometheus metrics ({@code /metrics}): one registry, decorators that time the container runtime and
 * the mirror client from the agent's side, and hooks the rest of the agent calls.
 */
package io.staticpod.agent.metrics;
