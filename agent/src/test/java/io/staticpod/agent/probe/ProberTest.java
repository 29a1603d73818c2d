package io.staticpod.agent.probe;

import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.model.Container;
import io.staticpod.manifest.model.Probe;
import io.staticpod.manifest.model.Probes;
import io.staticpod.runtime.spi.ExecSync;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Probe workers on a real scheduler with one-second periods: what turns ready, what gets restarted. */
class ProberTest {
    private static final PodKey POD = new PodKey("default", "web-n1");
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final Map<String, Integer> exitCodes = new ConcurrentHashMap<>();
    private final List<String> unhealthy = new CopyOnWriteArrayList<>();
    private final List<PodKey> changed = new CopyOnWriteArrayList<>();
    private final Prober prober = new Prober(
            (id, command, timeout) -> new ExecSync.ExecResult(exitCodes.getOrDefault(command.get(0), 0), "", false),
            "fake", scheduler, InstantSource.system(), new Prober.ProbeListener() {
                @Override
                public void changed(PodKey pod) {
                    changed.add(pod);
                }

                @Override
                public void unhealthy(PodKey pod, String container, String containerId, String probe, String m) {
                    unhealthy.add(probe + " " + containerId);
                }
            });

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private static Probe exec(String command, int failureThreshold) {
        return new Probe(new Probe.Exec(List.of(command)), 0, 1, 1, 1, failureThreshold);
    }

    private static Container container(Probes probes) {
        return new Container("app", "img", null, null, null, null, null, null, null, probes);
    }

    @Test
    void readinessStartsFalseAndTurnsTrueOnSuccess() {
        Container c = container(new Probes(null, exec("ready", 3), null));
        assertThat(prober.ready("c1", c)).isFalse(); // not even tracked yet: a readiness probe means not ready

        prober.track(POD, c, "c1", null, "10.0.0.1");

        await().atMost(Duration.ofSeconds(5)).until(() -> prober.ready("c1", c));
        assertThat(changed).contains(POD);
    }

    @Test
    void aSystemClockSetBackDoesNotHoldTheFirstProbe() {
        // the runtime says the container started an hour from now: the system clock was set back an hour since
        Container c = container(new Probes(null, new Probe(new Probe.Exec(List.of("ready")), 1, 1, 1, 1, 3), null));

        prober.track(POD, c, "c1", java.time.Instant.now().plus(Duration.ofHours(1)), "10.0.0.1");

        await().atMost(Duration.ofSeconds(5)).until(() -> prober.ready("c1", c)); // initialDelaySeconds, not an hour
    }

    @Test
    void aSystemClockSetForwardDoesNotSkipTheInitialDelayOfANewContainer() {
        Container c = container(new Probes(null, new Probe(new Probe.Exec(List.of("ready")), 3, 1, 1, 1, 3), null));

        prober.track(POD, c, "c1", java.time.Instant.now(), "10.0.0.1");

        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> !prober.ready("c1", c));
        await().atMost(Duration.ofSeconds(5)).until(() -> prober.ready("c1", c));
    }

    @Test
    void aContainerWithoutProbesIsReadyAndStarted() {
        Container c = container(Probes.NONE);
        prober.track(POD, c, "c1", null, null);

        assertThat(prober.ready("c1", c)).isTrue();
        assertThat(prober.started("c1", c)).isTrue();
    }

    @Test
    void livenessFailingThresholdTimesAsksForARestartOnceAndSaysSoToThePodsSync() {
        exitCodes.put("alive", 1);
        Container c = container(new Probes(exec("alive", 2), null, null));

        prober.track(POD, c, "c1", null, null);
        assertThat(prober.failed("c1")).isNull();

        await().atMost(Duration.ofSeconds(6)).until(() -> unhealthy.contains("Liveness c1"));
        assertThat(prober.failed("c1")).isEqualTo("Liveness");
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4)).until(() -> unhealthy.size() == 1);
    }

    @Test
    void aStartupProbeHoldsLivenessBackUntilItSucceeds() {
        exitCodes.put("started", 1);
        exitCodes.put("alive", 1);
        Container c = container(new Probes(exec("alive", 1), null, exec("started", 100)));

        prober.track(POD, c, "c1", null, null);

        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4)).until(unhealthy::isEmpty);
        assertThat(prober.started("c1", c)).isFalse();
        exitCodes.put("started", 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> prober.started("c1", c));
        await().atMost(Duration.ofSeconds(5)).until(() -> unhealthy.contains("Liveness c1"));
    }

    @Test
    void probesOfAContainerThatIsGoneStop() {
        exitCodes.put("alive", 1);
        Container c = container(new Probes(exec("alive", 3), null, null));
        prober.track(POD, c, "c1", null, null);

        prober.retain(POD, Set.of());

        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(5)).until(unhealthy::isEmpty);
    }
}
