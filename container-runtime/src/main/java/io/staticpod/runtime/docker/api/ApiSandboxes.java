package io.staticpod.runtime.docker.api;

import io.staticpod.runtime.docker.DockerSandboxes;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.SandboxConfig;

/**
 * Sandboxes on the Docker Engine API: a pause container each, created (see {@link CreateBodies#sandbox}) then
 * started; what every Docker adapter's sandboxes share is {@link DockerSandboxes}. Each container of a sandbox is
 * stopped and removed by a call of its own ({@link ApiContainers}).
 */
final class ApiSandboxes extends DockerSandboxes {

    private final ApiClient api;
    private final ApiContainers containers;

    ApiSandboxes(ApiClient api, ApiContainers containers, String image) {
        super(containers, image);
        this.api = api;
        this.containers = containers;
    }

    @Override
    protected String runPause(String what, String name, SandboxConfig config) {
        String id = containers.createReplacingLeftover(what, name, CreateBodies.sandbox(config, image), true,
                this::remove);
        try {
            api.call(ApiErrors.Kind.START, what, "POST", "/containers/" + id + "/start", null, api.callTimeout);
        } catch (RuntimeError e) {
            // a sandbox that did not start holds nothing; it is not left for the next run to trip over
            try {
                containers.remove(id);
            } catch (RuntimeError ignored) {
                // the error that matters is the start's
            }
            throw e;
        }
        return id;
    }
}
