package io.staticpod.it;

import io.staticpod.it.apiserver.ApiServerFixture;

/** The agent killed mid-work, on the real Docker engine. */
class AgentKillDockerIT extends AgentKillTests {
    AgentKillDockerIT(ApiServerFixture api) {
        super(api);
    }

    @Override
    RuntimeObserver observer() {
        return new DockerObserver();
    }

    @Override
    boolean firstPart() {
        return true;
    }
}
