package io.staticpod.runtime.ctr;

import io.staticpod.runtime.ctr.CtrOutput.Container;
import io.staticpod.runtime.ctr.CtrOutput.Task;
import io.staticpod.runtime.exec.CommandResult;
import io.staticpod.runtime.spi.RuntimeError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * containerd containers and their tasks as both containerd adapters see them: reading them (with a cache of
 * {@code ctr containers info}), recording exits, stopping and removing. Thread-safe.
 *
 * <p><b>Exit status.</b> {@code ctr tasks ls} shows no exit code and {@code ctr events} omits 0, but a stopped task
 * keeps its exit status until it is deleted, and {@code ctr tasks delete} reports it: a warning
 * {@code task <id> exit with non-zero exit code N}, or nothing for 0. So whenever a task is found STOPPED, it is
 * deleted and the exit code and the time it was seen stopped are written onto the container as labels
 * ({@code ctr containers label}); from then on the container has no task and the labels hold its exact exit. The
 * finish time is therefore when the adapter noticed (after {@link #stop}: within {@link #POLL}; otherwise at the next
 * relist), not the kernel's exit time. Before deleting, the task's memory cgroup is read for an OOM kill.
 *
 * <p><b>Cache.</b> A container's record only changes when our labels are written; it is read again when it has no
 * task and no recorded end (it may be starting, or another instance may have recorded its exit), or when a started
 * container of the pod-level adapter lacks its start time (written just after the start). Sandboxes and containers
 * neither adapter made are read once.
 */
public final class CtrTasks {

    private static final Logger log = LoggerFactory.getLogger(CtrTasks.class);

    /** How often {@link #stop} looks whether the task has ended. */
    public static final Duration POLL = Duration.ofMillis(100);
    /** How long {@link #stop} waits for the task after SIGKILL before it gives up. */
    public static final Duration KILL_WAIT = Duration.ofSeconds(10);

    /** Waiting between polls; a seam so that unit tests step a fake clock instead. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** A container with its task, null when it has none (never started, or its exit was recorded). */
    public record Seen(Container container, Task task) {
    }

    private final CtrCli cli;
    private final Path cgroupRoot;
    private final Duration timeout;
    private final InstantSource clock;
    private final Sleeper sleeper;
    /** containerd's record of each container seen; only our labels ever change on one. */
    private final Map<String, Container> known = new ConcurrentHashMap<>();
    /** Serialises task deletion, so that one exit status is recorded once by this instance. */
    private final Object harvestLock = new Object();

    /** @param timeout the deadline of each ctr call */
    public CtrTasks(CtrCli cli, Path cgroupRoot, Duration timeout, InstantSource clock, Sleeper sleeper) {
        this.cli = Objects.requireNonNull(cli, "cli");
        this.cgroupRoot = Objects.requireNonNull(cgroupRoot, "cgroupRoot");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /** {@code ctr tasks ls}, by container id. */
    public Map<String, Task> tasks() {
        return CtrOutput.tasks(cli.ok("list containerd tasks", timeout, "tasks", "ls").stdout());
    }

    /** {@code ctr containers info}, or empty when there is no such container. */
    public Optional<Container> info(String id) {
        CommandResult result = cli.call("read container " + id, timeout, "containers", "info", id);
        if (CtrErrors.isNotFound(result)) {
            known.remove(id);
            return Optional.empty();
        }
        if (!result.succeeded()) {
            throw CtrErrors.failure("read container " + id, result);
        }
        Container c = CtrOutput.container(result.stdout());
        known.put(id, c);
        return Optional.of(c);
    }

    /** Drops the cached record, after our labels on it changed. */
    public void forget(String id) {
        known.remove(id);
    }

    /** One container with its task, a stopped task recorded first; empty when there is no such container. */
    public Optional<Seen> look(String id) {
        Optional<Container> c = info(id);
        if (c.isEmpty()) {
            return Optional.empty();
        }
        return Optional.ofNullable(recorded(c.get(), tasks().get(id)));
    }

    /** Every container of the namespace with its task, stopped tasks recorded first: two ctr calls when cached. */
    public List<Seen> scan() {
        List<String> ids = CtrOutput.ids(cli.ok("list containerd containers", timeout, "containers", "ls", "-q")
                .stdout());
        Map<String, Task> tasks = tasks();
        known.keySet().retainAll(ids);
        List<Seen> seen = new ArrayList<>();
        for (String id : ids) {
            Container c = known.get(id);
            Task task = tasks.get(id);
            if (c == null || stale(c, task)) {
                c = info(id).orElse(null);
                if (c == null) {
                    continue; // removed meanwhile
                }
            }
            Seen s = recorded(c, task);
            if (s != null) {
                seen.add(s);
            }
        }
        return seen;
    }

    private static boolean stale(Container c, Task task) {
        String kind = c.label(CtrLabels.KIND);
        if (CtrLabels.SANDBOX.equals(kind)) {
            return false; // its task alone tells its state
        }
        if (kind == null && c.label(CtrLabels.NAME) == null) {
            return false; // not made by either adapter
        }
        boolean ended = c.label(CtrLabels.EXIT_CODE) != null || c.label(CtrLabels.ERROR) != null;
        if (task == null) {
            return !ended; // starting, or its exit recorded by another instance
        }
        return CtrLabels.CONTAINER.equals(kind) && c.label(CtrLabels.STARTED_AT) == null;
    }

    /** The container with its task, a STOPPED task recorded (and deleted) first. Null if it vanished. */
    private Seen recorded(Container c, Task task) {
        if (task == null || !task.stopped()) {
            return new Seen(c, task);
        }
        harvest(c.id());
        return info(c.id()).map(fresh -> new Seen(fresh, null)).orElse(null);
    }

    /**
     * Deletes a stopped task and records its exit status on the container. A task that is already gone was
     * recorded by someone else (another instance) and is left alone.
     */
    public void harvest(String id) {
        synchronized (harvestLock) {
            Instant seen = clock.instant();
            boolean oom = CgroupOom.killed(cgroupRoot, cli.namespace(), id);
            String what = "record the exit of container " + id;
            CommandResult delete = cli.call(what, timeout, "tasks", "delete", id);
            if (!delete.succeeded()) {
                if (CtrErrors.isNotFound(delete)) {
                    return;
                }
                throw CtrErrors.failure(what, delete);
            }
            int code = CtrErrors.exitStatusOfDeletedTask(delete);
            List<String> label = new ArrayList<>(List.of("containers", "label", id,
                    CtrLabels.EXIT_CODE + "=" + code, CtrLabels.FINISHED_AT + "=" + seen));
            if (oom) {
                label.add(CtrLabels.OOM_KILLED + "=true");
            }
            CommandResult labelled = cli.call(what, timeout, label.toArray(String[]::new));
            if (!labelled.succeeded() && !CtrErrors.isNotFound(labelled)) {
                throw CtrErrors.failure(what, labelled);
            }
            known.remove(id);
            log.debug("Recorded the exit of a container id={} exitCode={} oomKilled={}", id, code, oom);
        }
    }

    /**
     * Stops the container's task if it runs: its stop signal, then SIGKILL once {@code grace} is over; then records
     * its exit. A container without a task is left as it is.
     *
     * @throws RuntimeError.TimedOut when the task still runs {@link #KILL_WAIT} after SIGKILL
     */
    public void stop(Container container, Duration grace) {
        String id = container.id();
        Task task = tasks().get(id);
        if (task == null) {
            return; // never started, or stopped and recorded already
        }
        if (task.running()) {
            String signal = stopSignal(container);
            kill(id, signal);
            if (!awaitStopped(id, grace)) {
                log.info("Container did not stop within its grace period; killing it id={} signal={} grace={}",
                        id, signal, grace);
                kill(id, "SIGKILL");
                if (!awaitStopped(id, KILL_WAIT)) {
                    throw new RuntimeError.TimedOut("stop container " + id + ": its task still runs " + KILL_WAIT
                            + " after SIGKILL (`ctr tasks ls` shows it RUNNING)", null);
                }
            }
        }
        harvest(id);
    }

    /** Sends {@code signal} to the task; a task that is gone or has ended is fine. */
    public void kill(String id, String signal) {
        String what = "signal container " + id + " with " + signal;
        CommandResult kill = cli.call(what, timeout, "tasks", "kill", "--signal", signal, id);
        if (!kill.succeeded() && !CtrErrors.isNotFound(kill)) {
            throw CtrErrors.failure(what, kill);
        }
    }

    /** True once the task no longer runs, false if it still does after {@code limit}. */
    public boolean awaitStopped(String id, Duration limit) {
        Instant deadline = clock.instant().plus(limit);
        while (true) {
            Task task = tasks().get(id);
            if (task == null || !task.running()) {
                return true;
            }
            if (!clock.instant().isBefore(deadline)) {
                return false;
            }
            try {
                sleeper.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RuntimeError.TimedOut("stop container " + id + ": interrupted while waiting for it", e);
            }
        }
    }

    /**
     * Removes the container, its task (killed if it runs), its snapshot and its log file. A container or task that
     * is already gone is fine.
     */
    public void remove(Container container) {
        remove(container, true);
    }

    /** As {@link #remove(Container)}; {@code mayHaveTask} false skips the task (a scan just saw none). */
    public void remove(Container container, boolean mayHaveTask) {
        String id = container.id();
        String what = "remove container " + id;
        if (mayHaveTask) {
            CommandResult task = cli.call(what, timeout, "tasks", "delete", "--force", id);
            if (!task.succeeded() && !CtrErrors.isNotFound(task)) {
                throw CtrErrors.failure(what, task);
            }
        }
        // deletes the container's snapshot too
        CommandResult delete = cli.call(what, timeout, "containers", "delete", id);
        if (!delete.succeeded() && !CtrErrors.isNotFound(delete)) {
            throw CtrErrors.failure(what, delete);
        }
        known.remove(id);
        String logPath = container.label(CtrLabels.LOG_PATH);
        if (logPath != null) {
            try {
                Files.deleteIfExists(Path.of(logPath));
            } catch (IOException e) {
                log.warn("Cannot delete the log of a removed container id={} path={} error={}", id, logPath,
                        e.toString());
            }
        }
    }

    /** The stop signal asked for, else the image's, else SIGTERM. */
    public static String stopSignal(Container c) {
        String signal = c.label(CtrLabels.STOP_SIGNAL);
        if (signal == null || signal.isEmpty()) {
            signal = c.label(CtrLabels.IMAGE_STOP_SIGNAL);
        }
        return signal == null || signal.isEmpty() ? "SIGTERM" : signal;
    }
}
