package io.staticpod.it;

import io.staticpod.it.apiserver.ApiServerFixture;

/** containerd stopped for 20 s and started again; the pods' tasks outlive it under their shims. */
class RuntimeRestartContainerdIT extends RuntimeRestartTests {
    RuntimeRestartContainerdIT(ApiServerFixture api) {
        super(api);
    }

    @Override
    RuntimeObserver shared() {
        return new ContainerdObserver();
    }

    @Override
    PrivateRuntime newRuntime() throws Exception {
        return new PrivateRuntime.Containerd();
    }

    @Override
    int restartCountAfter() {
        return 0;
    }
}
