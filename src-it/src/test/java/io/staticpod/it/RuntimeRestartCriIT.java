package io.staticpod.it;

import io.staticpod.it.apiserver.ApiServerFixture;

/**
 * containerd with its CRI plugin stopped for 20 s and started again, the agent on {@code --runtime cri}: the pods'
 * tasks outlive it under their shims and are adopted, not restarted.
 */
class RuntimeRestartCriIT extends RuntimeRestartTests {
    RuntimeRestartCriIT(ApiServerFixture api) {
        super(api);
    }

    @Override
    RuntimeObserver shared() {
        return new CriObserver();
    }

    @Override
    PrivateRuntime newRuntime() throws Exception {
        return new PrivateCriRuntime();
    }

    @Override
    int restartCountAfter() {
        return 0;
    }
}
