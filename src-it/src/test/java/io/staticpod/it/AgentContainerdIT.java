package io.staticpod.it;

/** The agent's behaviour on a real containerd (the tests' own instance), driven through {@code ctr}. */
class AgentContainerdIT extends AgentBehaviourTests {
    @Override
    RuntimeObserver observer() {
        return new ContainerdObserver();
    }
}
