/**
 * The one process seam of the CLI adapters: every {@code docker} (and later {@code ctr}) call goes through a
 * {@link io.staticpod.runtime.exec.CommandRunner}, with a timeout, so that tests can assert the exact argv and
 * replay real saved output, and so that a hung engine can never hang the agent.
 */
package io.staticpod.runtime.exec;
