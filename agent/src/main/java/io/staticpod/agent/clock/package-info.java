/** The agent's monotonic time source, immune to changes of the system clock. */
package io.staticpod.agent.clock;
