/** The commands of the agent's jar besides the daemon: {@code validate}, {@code status}, {@code version}. */
package io.staticpod.agent.cli;
