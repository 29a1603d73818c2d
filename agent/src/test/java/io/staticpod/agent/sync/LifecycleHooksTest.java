package io.staticpod.agent.sync;

import io.staticpod.agent.relist.ContainerView;
import io.staticpod.agent.testing.TestPods;
import io.staticpod.manifest.StaticPod;
import io.staticpod.manifest.WellKnown;
import io.staticpod.runtime.spi.ExecSync.ExecResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** postStart and preStop hooks, where the kubelet runs them, on the in-memory runtime. */
class LifecycleHooksTest {
    @TempDir
    Path root;
    private SyncFixture f;

    @AfterEach
    void close() {
        if (f != null) {
            f.close();
        }
    }

    private static StaticPod withHooks(String hooks) {
        return TestPods.podWith("""
                    command: ["sleep", "3600"]
                    lifecycle:
                %s""".formatted(hooks));
    }

    @Test
    void aPostStartHookRunsRightAfterTheStart() {
        f = new SyncFixture(root);
        StaticPod pod = withHooks("      postStart: {exec: {command: [touch, /started]}}\n");

        f.sync(pod);

        ContainerView app = f.running(pod, "app");
        assertThat(f.runtime.execs).containsExactly(app.id() + " [touch, /started]");
        assertThat(f.runtime.changes).endsWith("start " + app.id());
        assertThat(f.mirror.events).noneMatch(e -> e.contains("Hook"));
    }

    @Test
    void aFailedPostStartHookIsAnEventInTheKubeletsWordsAndKillsTheContainer() {
        f = new SyncFixture(root);
        StaticPod pod = withHooks("      postStart: {exec: {command: [sh, -c, exit 2]}}\n");
        f.fake.scriptExec(List.of("sh", "-c", "exit 2"), new ExecResult(2, "no such thing", false));

        f.sync(pod);

        ContainerView app = f.containers(pod, "app").get(0);
        assertThat(app.running()).isFalse();
        assertThat(f.runtime.changes).endsWith("start " + app.id(), "stop " + app.id());
        assertThat(f.mirror.events).contains("Warning FailedPostStartHook app: Exec lifecycle hook ([sh, -c, exit 2])"
                + " for Container \"app\" in Pod \"web-n1_default(" + pod.uid() + ")\" failed - error: command"
                + " [sh, -c, exit 2] exited with 2: no such thing");
    }

    @Test
    void aFailedHooksMessageQuotesItsCommandAsWrittenDollarsAndBackslashesToo() {
        f = new SyncFixture(root);
        StaticPod pod = withHooks("      postStart: {exec: {command: [sh, -c, 'test -n \"$HOME\\\\x\"']}}\n");
        f.fake.scriptExec(List.of("sh", "-c", "test -n \"$HOME\\\\x\""), new ExecResult(1, "", false));

        f.sync(pod);

        assertThat(f.mirror.events).anySatisfy(e -> assertThat(e).startsWith("Warning FailedPostStartHook app: Exec"
                + " lifecycle hook ([sh, -c, test -n \"$HOME\\\\x\"]) for Container \"app\""));
    }

    @Test
    void aPreStopHookRunsBeforeTheStopWithinTheGracePeriodAlsoOnceTheManifestIsGone() {
        f = new SyncFixture(root);
        StaticPod pod = withHooks("      preStop: {exec: {command: [sh, -c, 'kill -TERM 1; sleep 5']}}\n");
        f.sync(pod);
        ContainerView app = f.running(pod, "app");
        assertThat(app.status().annotations()).containsEntry(WellKnown.PRE_STOP_HANDLER,
                "{\"exec\":{\"command\":[\"sh\",\"-c\",\"kill -TERM 1; sleep 5\"]}}");
        assertThat(f.runtime.execs).isEmpty();

        f.sync.sync(pod.key(), null); // the manifest is removed: only the container knows its hook

        // run on the running container (the fake refuses an exec in a stopped one: an event would say so)
        assertThat(f.runtime.execs).containsExactly(app.id() + " [sh, -c, kill -TERM 1; sleep 5]");
        assertThat(f.mirror.events).noneMatch(e -> e.contains("Hook"));
        assertThat(f.runtime.stopGrace.get(app.id())).isBetween(Duration.ofSeconds(25), Duration.ofSeconds(30));
    }

    @Test
    void aFailedPreStopHookIsAnEventAndTheStopGoesOn() {
        f = new SyncFixture(root);
        StaticPod pod = withHooks("      preStop: {httpGet: {port: 1, host: 127.0.0.1, path: /bye}}\n");
        f.sync(pod);
        ContainerView app = f.running(pod, "app");

        f.sync.sync(pod.key(), null);

        assertThat(f.containers(pod, "app")).isEmpty();
        assertThat(f.runtime.changes).contains("stop " + app.id());
        assertThat(f.mirror.events).anySatisfy(e -> assertThat(e).startsWith("Warning FailedPreStopHook app: HTTP"
                + " lifecycle hook (/bye) for Container \"app\" in Pod \"web-n1_default(" + pod.uid() + ")\" failed -"
                + " error: Get \"http://127.0.0.1:1/bye\": "));
    }
}
