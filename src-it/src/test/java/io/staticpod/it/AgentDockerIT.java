package io.staticpod.it;

/** The agent's behaviour on the real Docker engine. */
class AgentDockerIT extends AgentBehaviourTests {
    @Override
    RuntimeObserver observer() {
        return new DockerObserver();
    }
}
