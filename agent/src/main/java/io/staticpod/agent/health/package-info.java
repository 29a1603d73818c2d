/**
 * The local endpoint ({@code /healthz}, {@code /metrics}, {@code /pods}) and the checks behind {@code /healthz}, which
 * read the relister's health of the runtime.
 */
package io.staticpod.agent.health;
