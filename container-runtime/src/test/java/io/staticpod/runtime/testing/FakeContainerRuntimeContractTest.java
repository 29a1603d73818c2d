package io.staticpod.runtime.testing;

import io.staticpod.runtime.ContainerRuntime;

/**
 * The fake passes the same contract as Docker. Skipped here, because the fake has no processes: the tests that read
 * files a process wrote, reach a server over a shared network, or time how a process reacts to SIGTERM.
 * Where a real process exits by itself, the fake is told to exit it ({@link #processExited}).
 */
class FakeContainerRuntimeContractTest extends ContainerRuntimeContract {

    private final FakeContainerRuntime fake = new FakeContainerRuntime();

    @Override
    protected ContainerRuntime runtime() {
        return fake;
    }

    @Override
    protected ContainerRuntime newRuntimeInstance() {
        return fake.newClientOfSameEngine();
    }

    @Override
    protected String busyboxImage() {
        return "static-pod-agent.local/busybox:1.35";
    }

    @Override
    protected String pauseImage() {
        return "static-pod-agent.local/pause:1.0";
    }

    @Override
    protected boolean supportsRealProcesses() {
        return false;
    }

    @Override
    protected void processExited(String id, int code) {
        fake.exit(id, code);
    }

    @Override
    protected void arrangeNextStartToFail(String error) {
        fake.failNextStart(error);
    }
}
