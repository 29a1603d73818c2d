/** Reloading the configuration of a running agent on SIGHUP, where it is safe. */
package io.staticpod.agent.reload;
