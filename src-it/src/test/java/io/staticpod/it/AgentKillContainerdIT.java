package io.staticpod.it;

import io.staticpod.it.apiserver.ApiServerFixture;

/** The agent killed mid-work, on the tests' containerd. */
class AgentKillContainerdIT extends AgentKillTests {
    AgentKillContainerdIT(ApiServerFixture api) {
        super(api);
    }

    @Override
    RuntimeObserver observer() {
        return new ContainerdObserver();
    }

    @Override
    boolean firstPart() {
        return false;
    }
}
