package io.staticpod.agent.launch;

/**
 * A pod's configuration cannot be honoured on this node (a volume that cannot be prepared, a setting the agent
 * refuses, a file it cannot write): the container does not start until it is fixed, reported as
 * {@code CreateContainerConfigError}. The message names the container or volume and what to change.
 */
public final class LaunchException extends Exception {
    public LaunchException(String message) {
        super(message);
    }
}
