package io.staticpod.it;

import io.staticpod.it.apiserver.ApiServerFixture;

/** dockerd stopped for 20 s and started again; live-restore is off, so the pods' containers die with it. */
class RuntimeRestartDockerIT extends RuntimeRestartTests {
    RuntimeRestartDockerIT(ApiServerFixture api) {
        super(api);
    }

    @Override
    RuntimeObserver shared() {
        return new DockerObserver();
    }

    @Override
    PrivateRuntime newRuntime() throws Exception {
        return new PrivateRuntime.Dockerd();
    }

    @Override
    int restartCountAfter() {
        return 1;
    }
}
