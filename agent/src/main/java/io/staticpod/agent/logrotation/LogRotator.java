package io.staticpod.agent.logrotation;

import io.staticpod.config.ContainerLogLimits;
import io.staticpod.manifest.WellKnown;
import io.staticpod.runtime.cri.CriLogFiles;
import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.ContainerState;
import io.staticpod.runtime.spi.ContainerSummary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The kubelet's container log manager, small: every {@link #PERIOD} each running container of this agent whose log
 * file is larger than {@code containerLogMaxSize} has it rotated ({@link CriLogFiles}: renamed with a time stamp, the
 * runtime asked to reopen it through the SPI's {@code logRotation()}), and rotated files beyond
 * {@code containerLogMaxFiles - 1} are deleted. One container's failure is a WARN and is tried again next period.
 * Runs on the executor it is started on; one pass at a time.
 */
public final class LogRotator {
    private static final Logger log = LoggerFactory.getLogger(LogRotator.class);
    /** The kubelet's {@code containerLogMonitorInterval}. */
    public static final Duration PERIOD = Duration.ofSeconds(10);

    private final ContainerRuntime runtime;
    private final Map<String, String> owner;
    private final CriLogFiles files;
    private final ContainerLogLimits limits;

    /**
     * @param owner the labels of everything this agent owns
     * @throws IllegalArgumentException when the runtime cannot reopen log files (check {@link #applies} first)
     */
    public LogRotator(ContainerRuntime runtime, Map<String, String> owner, ContainerLogLimits limits, Clock clock) {
        this.runtime = runtime;
        this.owner = Map.copyOf(owner);
        this.limits = limits;
        this.files = new CriLogFiles(runtime.containers(), runtime.logRotation().orElseThrow(
                () -> new IllegalArgumentException(runtime.name() + " cannot reopen log files")), clock);
    }

    /** Whether the runtime writes log files the agent rotates (else the runtime rotates its own, as Docker). */
    public static boolean applies(ContainerRuntime runtime) {
        return runtime.capabilities().logFiles() && runtime.capabilities().logRotation() && runtime.logRotation().isPresent();
    }

    /** Passes every {@code period} on {@code executor}, the first one period from now. */
    public void start(ScheduledExecutorService executor, Duration period) {
        log.info("Rotating containers' log files maxSizeBytes={} maxFiles={} period={}", limits.maxSizeBytes(),
                limits.maxFiles(), period);
        executor.scheduleWithFixedDelay(this::pass, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One pass over the running containers; never throws. */
    public void pass() {
        List<ContainerSummary> running;
        try {
            running = runtime.containers().list(owner).stream()
                    .filter(c -> c.state() == ContainerState.RUNNING).toList();
        } catch (RuntimeException e) {
            return; // the relister reports a runtime that does not answer
        }
        for (ContainerSummary c : running) {
            try {
                Optional<Path> rotated = files.rotate(c.id(), limits.maxSizeBytes(), limits.maxFiles());
                rotated.ifPresent(p -> log.info("Rotated container log pod={}/{} container={} rotated={}",
                        c.labels().get(WellKnown.POD_NAMESPACE), c.labels().get(WellKnown.POD_NAME),
                        c.name(), p));
            } catch (IOException | RuntimeException e) {
                log.warn("Cannot rotate container log; trying again next period pod={}/{} container={} error={}",
                        c.labels().get(WellKnown.POD_NAMESPACE), c.labels().get(WellKnown.POD_NAME),
                        c.name(), e.getMessage());
            }
        }
    }
}
