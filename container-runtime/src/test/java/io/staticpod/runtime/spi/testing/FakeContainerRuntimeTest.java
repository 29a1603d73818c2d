package io.staticpod.runtime.spi.testing;

import io.staticpod.runtime.spi.Capabilities;
import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.ContainerEvent;
import io.staticpod.runtime.spi.ContainerState;
import io.staticpod.runtime.spi.ExecSync.ExecResult;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.SandboxMetadata;
import io.staticpod.runtime.spi.testing.FakeContainerRuntime.Call;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The fake's knobs, which the contract suite does not reach. */
class FakeContainerRuntimeTest {

    private static final String IMAGE = "example.local/app:1";
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

    private final FakeContainerRuntime fake = new FakeContainerRuntime(InstantSource.fixed(T0));
    private final SandboxConfig pod = pod("web", 0);

    FakeContainerRuntimeTest() {
        fake.addImage(IMAGE);
    }

    private static SandboxConfig pod(String name, int attempt) {
        return new SandboxConfig(new SandboxMetadata(name, "default", "uid-" + name, attempt), null, null, null, null,
                Map.of("pod", name), null, null, null, false);
    }

    private String started(String sandbox, String name) {
        String id = fake.containers().create(sandbox, ContainerConfig.builder(name, 0, IMAGE)
                .labels(Map.of("pod", "web")).build(), pod);
        fake.containers().start(id);
        return id;
    }

    @Test
    void aDownEngineRefusesEveryCallAsUnavailableAndResyncsSubscribersWhenItIsBack() {
        List<ContainerEvent> events = new CopyOnWriteArrayList<>();
        fake.events().orElseThrow().subscribe(Map.of(), events::add);

        fake.down("dockerd stopped");

        assertThatThrownBy(() -> fake.sandboxes().run(pod)).isInstanceOf(RuntimeError.Unavailable.class)
                .hasMessageContaining("dockerd stopped");
        assertThatThrownBy(() -> fake.snapshot(Map.of())).isInstanceOf(RuntimeError.Unavailable.class);
        assertThatThrownBy(fake::version).isInstanceOf(RuntimeError.Unavailable.class);
        assertThat(events).isEmpty();
        fake.up();
        assertThat(events).extracting(ContainerEvent::type).containsExactly(ContainerEvent.Type.RESYNC);
        assertThat(fake.snapshot(Map.of()).sandboxes()).isEmpty();
    }

    @Test
    void aHeldCallWaitsUntilReleasedWhileOtherCallsGoOn() throws Exception {
        String sandbox = fake.sandboxes().run(pod);
        String id = fake.containers().create(sandbox, ContainerConfig.builder("app", 0, IMAGE).build(), pod);
        Hold hold = fake.hold(Call.START, id);

        CompletableFuture<Void> start = CompletableFuture.runAsync(() -> fake.containers().start(id));
        await().until(() -> hold.waiting() == 1);
        String other = started(sandbox, "other");

        assertThat(start).isNotDone();
        assertThat(fake.containers().status(other).orElseThrow().running()).isTrue();
        assertThat(fake.containers().status(id).orElseThrow().state()).isEqualTo(ContainerState.CREATED);
        hold.release();
        start.get(30, TimeUnit.SECONDS);
        assertThat(fake.containers().status(id).orElseThrow().running()).isTrue();
        assertThat(hold.waiting()).isZero();
    }

    @Test
    void aHeldCallReleasedWithAnErrorThrowsItAndDoesNothing() {
        Hold hold = fake.hold(Call.RUN_SANDBOX);

        CompletableFuture<String> run = CompletableFuture.supplyAsync(() -> fake.sandboxes().run(pod));
        await().until(() -> hold.waiting() == 1);
        hold.releaseWith(new RuntimeError.TimedOut("run sandbox: no answer within 10s", null));

        assertThat(run).failsWithin(Duration.ofSeconds(30)).withThrowableThat()
                .withCauseInstanceOf(RuntimeError.TimedOut.class);
        assertThat(fake.sandboxes().list(Map.of())).isEmpty();
        assertThat(fake.sandboxes().run(pod)).isNotBlank();
    }

    @Test
    void aQueuedFailureAppliesToTheNextCallOfItsKindOnly() {
        String sandbox = fake.sandboxes().run(pod);
        fake.failNext(Call.CREATE, new RuntimeError.ImageUnavailable("no such image: x", null));

        assertThatThrownBy(() -> started(sandbox, "app")).isInstanceOf(RuntimeError.ImageUnavailable.class);
        String id = started(sandbox, "app");
        assertThat(fake.containers().status(id).orElseThrow().running()).isTrue();
        assertThat(fake.calls(Call.CREATE)).isEqualTo(2);
        assertThat(fake.calls(Call.START)).isEqualTo(1);
    }

    @Test
    void aProcessEndsAsTheTestSaysWithItsReasonAndAnEvent() {
        List<ContainerEvent> events = new CopyOnWriteArrayList<>();
        fake.events().orElseThrow().subscribe(Map.of("pod", "web"), events::add);
        String sandbox = fake.sandboxes().run(pod);
        String crashed = started(sandbox, "crashed");
        String oom = started(sandbox, "oom");

        fake.exit(crashed, 2);
        fake.oomKill(oom);

        assertThat(fake.containers().status(crashed).orElseThrow()).satisfies(s -> {
            assertThat(s.exitCode()).isEqualTo(2);
            assertThat(s.reason()).isEqualTo("Error");
            assertThat(s.finishedAt()).isEqualTo(T0);
        });
        assertThat(fake.containers().status(oom).orElseThrow().reason()).isEqualTo("OOMKilled");
        assertThat(events).filteredOn(e -> e.type() == ContainerEvent.Type.EXITED)
                .extracting(ContainerEvent::containerId, ContainerEvent::exitCode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(crashed, 2),
                        org.assertj.core.groups.Tuple.tuple(oom, 137));
        assertThatThrownBy(() -> fake.exit(crashed, 0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void stopRecordsTheGraceAndEndsTheProcessAsSigtermDoes() {
        String sandbox = fake.sandboxes().run(pod);
        String id = started(sandbox, "app");

        fake.containers().stop(id, Duration.ofSeconds(42));

        assertThat(fake.stopGrace(id)).contains(Duration.ofSeconds(42));
        assertThat(fake.containers().status(id).orElseThrow().exitCode()).isEqualTo(143);
    }

    @Test
    void twoReadySandboxesCannotPublishTheSameHostPort() {
        SandboxConfig a = withPort(pod("a", 0));
        SandboxConfig b = withPort(pod("b", 0));
        String first = fake.sandboxes().run(a);

        assertThatThrownBy(() -> fake.sandboxes().run(b)).isInstanceOf(RuntimeError.Refused.class)
                .hasMessageContaining("8080");
        fake.sandboxes().stop(first);
        assertThat(fake.sandboxes().run(b)).isNotBlank();
    }

    private static SandboxConfig withPort(SandboxConfig c) {
        return new SandboxConfig(c.metadata(), null, null, null,
                List.of(new io.staticpod.runtime.spi.PortMapping(io.staticpod.runtime.spi.PortMapping.Protocol.TCP,
                        80, 8080, null)), c.labels(), null, null, null, false);
    }

    @Test
    void onlyPublishedImagesCanBePulledAndAnUnreachableRegistryFailsEveryPull() {
        fake.publish("example.local/new:2");

        assertThat(fake.images().pull("example.local/new:2").id()).startsWith("sha256:");
        assertThat(fake.images().status("example.local/new:2")).isPresent();
        assertThatThrownBy(() -> fake.images().pull("example.local/other:1"))
                .isInstanceOf(RuntimeError.ImageUnavailable.class);
        fake.failPulls("dial tcp: lookup example.local: no such host");
        assertThatThrownBy(() -> fake.images().pull("example.local/new:2"))
                .isInstanceOf(RuntimeError.ImageUnavailable.class).hasMessageContaining("no such host");
        assertThat(fake.calls(Call.PULL)).isEqualTo(3);
    }

    @Test
    void aRemovedImageCannotBeUsedForANewContainer() {
        String sandbox = fake.sandboxes().run(pod);
        fake.removeImage(IMAGE);

        assertThatThrownBy(() -> started(sandbox, "app")).isInstanceOf(RuntimeError.ImageUnavailable.class)
                .hasMessageContaining(IMAGE);
    }

    @Test
    void execAnswersWhatTheTestScriptedAndZeroOtherwise() {
        String id = started(fake.sandboxes().run(pod), "app");
        fake.scriptExec(List.of("cat", "/ready"), new ExecResult(1, "no such file", false));

        assertThat(fake.exec().orElseThrow().exec(id, List.of("cat", "/ready"), Duration.ofSeconds(1)))
                .isEqualTo(new ExecResult(1, "no such file", false));
        assertThat(fake.exec().orElseThrow().exec(id, List.of("true"), Duration.ofSeconds(1)).succeeded()).isTrue();
        assertThat(fake.calls(Call.EXEC)).isEqualTo(2);
    }

    @Test
    void capabilitiesDecideWhichAbilitiesArePresentAndWhetherThereIsAnAddress() {
        FakeContainerRuntime bare = new FakeContainerRuntime(InstantSource.fixed(T0),
                new Capabilities(false, false, false, false, false, true));
        SandboxConfig logged = new SandboxConfig(pod.metadata(), null, "/var/log/pods/default_web_uid-web", null,
                null, Map.of(), null, null, null, false);
        bare.addImage(IMAGE);

        String sandbox = bare.sandboxes().run(logged);
        String id = bare.containers().create(sandbox, ContainerConfig.builder("app", 0, IMAGE).logPath("app/0.log")
                .build(), logged);

        assertThat(bare.exec()).isEmpty();
        assertThat(bare.events()).isEmpty();
        assertThat(bare.logs()).isEmpty();
        assertThat(bare.sandboxes().status(sandbox).orElseThrow().ip()).isNull();
        assertThat(bare.containers().status(id).orElseThrow().logPath())
                .isEqualTo("/var/log/pods/default_web_uid-web/app/0.log");
    }

    @Test
    void closingAClientEndsItsSubscriptionsButNotTheEngine() {
        List<ContainerEvent> events = new CopyOnWriteArrayList<>();
        FakeContainerRuntime client = fake.newClientOfSameEngine();
        client.events().orElseThrow().subscribe(Map.of(), events::add);

        client.close();
        fake.cutEvents();

        assertThat(events).isEmpty();
        assertThat(client.sandboxes().run(pod)).isNotBlank();
        assertThat(fake.sandboxes().list(Map.of())).hasSize(1);
    }
}
