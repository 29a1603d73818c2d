package io.staticpod.runtime.spi.testing;

import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.ExecSync.ExecResult;
import io.staticpod.runtime.spi.LogReader.LogLine;
import io.staticpod.runtime.spi.testing.FakeContainerRuntime.Call;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fake passes the contract of the real adapters. The tests that need a real process are skipped (reported so);
 * where a real process would do something by itself, the hooks make the fake do it. Its clock ticks a millisecond
 * at each reading, so that every event has a time of its own.
 */
class FakeContainerRuntimeContractTest extends ContainerRuntimeContract {

    private final AtomicLong millis = new AtomicLong(Instant.parse("2024-01-01T00:00:00Z").toEpochMilli());
    private final InstantSource ticking = () -> Instant.ofEpochMilli(millis.incrementAndGet());
    private final FakeContainerRuntime fake = new FakeContainerRuntime(ticking);

    FakeContainerRuntimeContractTest() {
        fake.addImage(busyboxImage());
    }

    @Override
    protected ContainerRuntime runtime() {
        return fake;
    }

    @Override
    protected ContainerRuntime newRuntimeInstance() {
        return fake.newClientOfSameEngine();
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
    protected void processOomKilled(String id) {
        fake.oomKill(id);
    }

    @Override
    protected void processWrote(String id, LogLine.Stream stream, String line) {
        fake.appendLog(id, stream, line);
    }

    @Override
    protected void arrangeNextStartToFail(String engineMessage) {
        fake.refuseNext(Call.START, engineMessage);
    }

    @Override
    protected void arrangeExec(List<String> command, ExecResult result) {
        fake.scriptExec(command, result);
    }

    @Override
    protected boolean cutEventStream() {
        fake.cutEvents();
        return true;
    }
}
