/**
 * The local endpoint ({@code /healthz}, {@code /metrics}, {@code /pods}) and the checks behind {@code /healthz}.
 */
package io.staticpod.agent.health;
