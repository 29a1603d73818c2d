package io.staticpod.runtime.ctr;

import io.staticpod.runtime.ctr.CtrOutput.Container;
import io.staticpod.runtime.ctr.CtrOutput.Task;
import io.staticpod.runtime.ctr.CtrTasks.Seen;
import io.staticpod.runtime.spi.ContainerState;
import io.staticpod.runtime.spi.ContainerStatus;
import io.staticpod.runtime.spi.ContainerSummary;
import io.staticpod.runtime.spi.NamespaceMode;
import io.staticpod.runtime.spi.Sandbox;
import io.staticpod.runtime.spi.SandboxMetadata;
import io.staticpod.runtime.spi.SandboxState;
import io.staticpod.runtime.spi.SandboxStatus;

import java.time.Instant;
import java.util.Comparator;
import java.util.Map;

/**
 * What a containerd container and its task mean in the SPI's terms: a sandbox or a container, by
 * {@link CtrLabels#KIND}; metadata, labels and annotations from our labels; the state from the task or, once the task
 * is gone, from the labels that recorded its end ({@link CtrTasks}).
 *
 * <p>A container without a task: with a recorded exit it is EXITED with that code (reason {@code OOMKilled},
 * {@code Completed} or {@code Error}); with a recorded start error EXITED 128 with reason {@code StartError}; started
 * but with neither (its task vanished unrecorded: the node rebooted, containerd lost its state) EXITED 255, reason
 * {@code Error}, finished as far as anyone knows when it started; otherwise CREATED (never started).
 */
final class CtrStates {

    /** The exit code CRI runtimes report for a container whose process never started. */
    static final int START_ERROR_EXIT_CODE = 128;
    static final String VANISHED = "the task is gone and its exit status was never recorded (was the node rebooted?)";
    /** Newest first, as lists show them. */
    static final Comparator<Instant> NEWEST_FIRST = Comparator.nullsLast(Comparator.reverseOrder());

    private CtrStates() {
    }

    static boolean isSandbox(Container c) {
        return CtrLabels.SANDBOX.equals(c.label(CtrLabels.KIND));
    }

    static boolean isContainer(Container c) {
        return CtrLabels.CONTAINER.equals(c.label(CtrLabels.KIND));
    }

    /** True when the container's visible labels include all of {@code wanted}. */
    static boolean matches(Container c, Map<String, String> wanted) {
        return CtrLabels.visible(c.labels()).entrySet().containsAll(wanted.entrySet());
    }

    static Sandbox sandbox(Seen seen) {
        Container c = seen.container();
        SandboxMetadata metadata = new SandboxMetadata(c.labels().getOrDefault(CtrLabels.POD_NAME, ""),
                c.labels().getOrDefault(CtrLabels.POD_NAMESPACE, ""), c.labels().getOrDefault(CtrLabels.POD_UID, ""),
                attempt(c));
        SandboxState state = seen.task() != null && seen.task().running() ? SandboxState.READY : SandboxState.NOT_READY;
        return new Sandbox(c.id(), metadata, state, created(c), CtrLabels.visible(c.labels()),
                CtrLabels.annotations(c.labels()));
    }

    /** No address: there is no pod network through ctr. */
    static SandboxStatus sandboxStatus(Seen seen) {
        NamespaceMode network = NamespaceMode.NODE.name().equals(seen.container().label(CtrLabels.NETWORK))
                ? NamespaceMode.NODE : NamespaceMode.POD;
        return new SandboxStatus(sandbox(seen), null, network);
    }

    static ContainerSummary summary(Seen seen) {
        Container c = seen.container();
        return new ContainerSummary(c.id(), c.label(CtrLabels.SANDBOX_ID), c.labels().getOrDefault(CtrLabels.NAME, ""),
                attempt(c), image(c), c.label(CtrLabels.IMAGE_ID), state(seen), created(c),
                CtrLabels.visible(c.labels()), CtrLabels.annotations(c.labels()));
    }

    static ContainerStatus status(Seen seen) {
        Container c = seen.container();
        Map<String, String> l = c.labels();
        ContainerState state = state(seen);
        Instant started = l.containsKey(CtrLabels.STARTED_AT) ? time(l.get(CtrLabels.STARTED_AT)) : null;
        Instant finished = null;
        int exitCode = 0;
        String reason = null;
        String message = null;
        if (state == ContainerState.RUNNING && started == null) {
            started = created(c); // started a moment ago; its start time is written just after the start
        } else if (state == ContainerState.EXITED) {
            finished = time(l.get(CtrLabels.FINISHED_AT));
            if (l.containsKey(CtrLabels.EXIT_CODE)) {
                exitCode = Integer.parseInt(l.get(CtrLabels.EXIT_CODE));
                reason = "true".equals(l.get(CtrLabels.OOM_KILLED)) ? "OOMKilled" : exitCode == 0 ? "Completed" : "Error";
                started = started == null ? created(c) : started;
            } else if (l.containsKey(CtrLabels.ERROR)) {
                exitCode = START_ERROR_EXIT_CODE;
                reason = "StartError";
                message = l.get(CtrLabels.ERROR);
                started = null;
            } else {
                exitCode = 255;
                reason = "Error";
                message = VANISHED;
                finished = started;
            }
        }
        return new ContainerStatus(c.id(), l.getOrDefault(CtrLabels.NAME, ""), attempt(c), image(c),
                l.get(CtrLabels.IMAGE_ID), state, created(c), started, finished, exitCode, reason, message,
                CtrLabels.visible(l), CtrLabels.annotations(l), null);
    }

    static ContainerState state(Seen seen) {
        Task task = seen.task();
        if (task != null) {
            if (task.running()) {
                return ContainerState.RUNNING;
            }
            return task.status().equals("CREATED") ? ContainerState.CREATED : ContainerState.UNKNOWN;
        }
        Map<String, String> l = seen.container().labels();
        boolean ran = l.containsKey(CtrLabels.EXIT_CODE) || l.containsKey(CtrLabels.ERROR)
                || l.containsKey(CtrLabels.STARTED_AT);
        return ran ? ContainerState.EXITED : ContainerState.CREATED;
    }

    private static int attempt(Container c) {
        try {
            return Integer.parseInt(c.labels().getOrDefault(CtrLabels.ATTEMPT, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String image(Container c) {
        return c.labels().getOrDefault(CtrLabels.IMAGE, c.image());
    }

    private static Instant created(Container c) {
        return c.createdAt() == null ? Instant.EPOCH : c.createdAt();
    }

    private static Instant time(String text) {
        return text == null ? null : CtrOutput.time(text);
    }
}
