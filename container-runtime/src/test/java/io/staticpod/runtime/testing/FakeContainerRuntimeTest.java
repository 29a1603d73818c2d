package io.staticpod.runtime.testing;

import io.staticpod.runtime.ContainerInfo;
import io.staticpod.runtime.ImageResult;
import io.staticpod.runtime.LaunchSpec;
import io.staticpod.runtime.LaunchSpec.Namespace;
import io.staticpod.runtime.PullPolicy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The knobs the agent's tests turn on the fake; its SPI behaviour is covered by the shared contract. */
class FakeContainerRuntimeTest {

    static final String IMAGE = "app:1";
    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    final FakeContainerRuntime fake = new FakeContainerRuntime(now::get);

    LaunchSpec spec(String name, Namespace network) {
        return new LaunchSpec(name, IMAGE, null, null, null, null, null, null, Map.of("pod", "web"), network,
                null, null, null);
    }

    @Test
    void exitCrashAndOomKillEndARunningContainerAtTheClocksTime() {
        fake.addImage(IMAGE);
        String a = fake.start(spec("a", null));
        String b = fake.start(spec("b", null));
        String c = fake.start(spec("c", null));
        now.set(now.get().plusSeconds(5));

        fake.exit(a, 2);
        fake.crash(b);
        fake.oomKill(c);

        assertThat(fake.inspect(a).orElseThrow()).satisfies(i -> {
            assertThat(i.exitCode()).isEqualTo(2);
            assertThat(i.startedAt()).isEqualTo("2026-01-01T00:00:00Z");
            assertThat(i.finishedAt()).isEqualTo("2026-01-01T00:00:05Z");
        });
        assertThat(fake.inspect(b).orElseThrow().exitCode()).isEqualTo(1);
        assertThat(fake.inspect(c).orElseThrow()).satisfies(i -> {
            assertThat(i.exitCode()).isEqualTo(137);
            assertThat(i.oomKilled()).isTrue();
        });
        assertThatThrownBy(() -> fake.exit(a, 0)).hasMessageContaining("is not running");
    }

    @Test
    void failNextStartFailsOnlyTheNextStartAndLeavesACreatedContainer() {
        fake.addImage(IMAGE);
        fake.failNextStart("runc create failed");

        assertThatThrownBy(() -> fake.start(spec("a", null))).hasMessageContaining("runc create failed");
        String b = fake.start(spec("b", null));

        assertThat(fake.list(Map.of())).extracting(ContainerInfo::name, ContainerInfo::state, ContainerInfo::error)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("b", ContainerInfo.State.RUNNING, null),
                        org.assertj.core.groups.Tuple.tuple("a", ContainerInfo.State.CREATED, "runc create failed"));
        assertThat(fake.starts()).isEqualTo(2);
        assertThat(fake.inspect(b).orElseThrow().running()).isTrue();
    }

    @Test
    void countsStartsStopsRemovesAndRemembersTheGrace() {
        fake.addImage(IMAGE);
        String id = fake.start(spec("a", null));

        fake.stop(id, Duration.ofSeconds(30));
        fake.remove(id);
        fake.remove(id);

        assertThat(fake.starts()).isEqualTo(1);
        assertThat(fake.stops()).isEqualTo(1);
        assertThat(fake.removes()).isEqualTo(2);
        assertThat(fake.lastStopGrace(id)).isEmpty(); // removed
    }

    @Test
    void stopGivesTheConfiguredExitCodeAndRecordsTheGrace() {
        fake.addImage(IMAGE);
        fake.setStopExitCode(0);
        String id = fake.start(spec("a", null));

        fake.stop(id, Duration.ofSeconds(7));

        assertThat(fake.inspect(id).orElseThrow().exitCode()).isZero();
        assertThat(fake.lastStopGrace(id)).contains(Duration.ofSeconds(7));
    }

    @Test
    void containersOwningTheirNetworkGetFreshAddressesWhileTheyRun() {
        fake.addImage(IMAGE);
        String a = fake.start(spec("a", null));
        String b = fake.start(spec("b", null));
        String joined = fake.start(spec("j", Namespace.container(a)));

        assertThat(fake.inspect(a).orElseThrow().ipAddress()).isEqualTo("10.88.0.2");
        assertThat(fake.inspect(b).orElseThrow().ipAddress()).isEqualTo("10.88.0.3");
        assertThat(fake.inspect(joined).orElseThrow().ipAddress()).isNull();
        fake.exit(a, 0);
        assertThat(fake.inspect(a).orElseThrow().ipAddress()).isNull();
    }

    @Test
    void pullsSucceedUntilToldToFailThenAlwaysFallsBackToALocalImage() {
        ImageResult pulled = fake.ensureImage(IMAGE, PullPolicy.IF_NOT_PRESENT);
        fake.failPulls("no such host");

        ImageResult fallback = fake.ensureImage(IMAGE, PullPolicy.ALWAYS);

        assertThat(pulled.pulled()).isTrue();
        assertThat(fallback.pulled()).isFalse();
        assertThat(fallback.imageId()).isEqualTo(pulled.imageId());
        assertThat(fallback.pullWarning()).contains("no such host");
        assertThatThrownBy(() -> fake.ensureImage("other:1", PullPolicy.ALWAYS))
                .hasMessageContaining("other:1").hasMessageContaining("no such host").hasMessageContaining("not present");
        assertThatThrownBy(() -> fake.ensureImage("other:1", PullPolicy.IF_NOT_PRESENT)).hasMessageContaining("no such host");
        assertThat(fake.pulls()).isEqualTo(4);
    }

    @Test
    void anUnavailableEngineFailsEveryCallUntilItIsBack() {
        fake.setUnavailable("Cannot connect to the Docker daemon");

        assertThatThrownBy(fake::version).hasMessageContaining("Cannot connect");
        assertThatThrownBy(() -> fake.list(Map.of())).hasMessageContaining("Cannot connect");

        fake.setUnavailable(null);
        assertThat(fake.list(Map.of())).isEmpty();
    }

    @Test
    void aSecondClientSeesTheSameEngine() {
        fake.addImage(IMAGE);
        String id = fake.start(spec("a", null));

        FakeContainerRuntime other = fake.newClientOfSameEngine();

        assertThat(other.list(Map.of("pod", "web"))).extracting(ContainerInfo::id).containsExactly(id);
        assertThat(other.launchSpec(id)).contains(spec("a", null));
        assertThat(other.starts()).isEqualTo(1);
    }

    @Test
    void isSafeToUseFromManyThreads() throws Exception {
        fake.addImage(IMAGE);
        List<Thread> threads = new java.util.ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int n = t;
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 50; i++) {
                    String id = fake.start(spec("c-" + n + "-" + i, null));
                    fake.stop(id, Duration.ZERO);
                    fake.inspect(id);
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(fake.list(Map.of("pod", "web"))).hasSize(400).allMatch(c -> c.state() == ContainerInfo.State.EXITED);
        assertThat(fake.starts()).isEqualTo(400);
    }
}
