package io.staticpod.it;

/**
 * The smoke set of the agent's behaviour on a real containerd (the tests' own instance), driven through the {@code ctr}
 * CLI adapter; every behaviour test runs on containerd through CRI ({@link AgentCriIT}).
 */
class AgentContainerdIT extends AgentSmokeTests {
    @Override
    RuntimeObserver observer() {
        return new ContainerdObserver();
    }
}
