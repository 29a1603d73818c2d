package io.staticpod.it;

import io.staticpod.it.apiserver.ApiServerFixture;

/** The agent killed mid-work, on the tests' containerd through CRI. */
class AgentKillCriIT extends AgentKillTests {
    AgentKillCriIT(ApiServerFixture api) {
        super(api);
    }

    @Override
    RuntimeObserver observer() {
        return new CriObserver();
    }

    @Override
    boolean firstPart() {
        return false;
    }
}
