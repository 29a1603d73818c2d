package io.staticpod.runtime.cri;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.staticpod.runtime.cri.proto.Cri;
import io.staticpod.runtime.cri.proto.RuntimeServiceGrpc;
import io.staticpod.runtime.spi.ContainerEvent;
import io.staticpod.runtime.spi.ExitEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Container events from CRI's {@code GetContainerEvents} (containerd 1.7 and later, CRI-O 1.26 and later), for
 * runtimes that {@linkplain #supported answer it}. Each subscription is one stream read by one daemon thread of its
 * own ({@code cri-events}), which delivers the events in order: started, stopped (with the exit code from the
 * event's container status), deleted; creations are not passed on. When the stream ends or is cut, the thread waits
 * (1 s, doubling to 30 s), opens it again and delivers {@link ContainerEvent.Type#RESYNC} first. Closing the handle
 * cancels the stream and ends the thread.
 */
final class CriExitEvents implements ExitEvents {
    private static final Logger LOG = LoggerFactory.getLogger(CriExitEvents.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final RuntimeServiceGrpc.RuntimeServiceBlockingStub stub;
    private final String endpoint;

    CriExitEvents(RuntimeServiceGrpc.RuntimeServiceBlockingStub stub, String endpoint) {
        this.stub = stub;
        this.endpoint = endpoint;
    }

    /**
     * Whether the runtime serves {@code GetContainerEvents}: it answers {@code UNIMPLEMENTED} at once when it does not,
     * and keeps the stream open when it does (so the probe waits {@code wait} for that). The version is asked first,
     * so that the connection is up and the first call's costs are paid: a slow first call must not pass for an open
     * stream. A runtime that cannot be reached, or does not speak runtime.v1, counts as not serving it.
     */
    static boolean supported(CriVersion version, RuntimeServiceGrpc.RuntimeServiceBlockingStub stub, Duration wait) {
        try {
            version.ask();
        } catch (RuntimeException e) {
            return false;
        }
        try {
            Iterator<Cri.ContainerEventResponse> events = stub
                    .withDeadlineAfter(wait.toNanos(), TimeUnit.NANOSECONDS)
                    .getContainerEvents(Cri.GetEventsRequest.getDefaultInstance());
            events.hasNext();
            return true;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED;
        }
    }

    @Override
    public AutoCloseable subscribe(Map<String, String> labels, Consumer<ContainerEvent> listener) {
        Context.CancellableContext context = Context.current().withCancellation();
        Thread reader = new Thread(() -> context.run(() -> read(labels, listener, context)), "cri-events");
        reader.setDaemon(true);
        reader.start();
        return () -> {
            context.cancel(null);
            reader.interrupt();
        };
    }

    private void read(Map<String, String> labels, Consumer<ContainerEvent> listener,
                      Context.CancellableContext context) {
        Duration backoff = FIRST_BACKOFF;
        boolean first = true;
        while (!context.isCancelled()) {
            try {
                Iterator<Cri.ContainerEventResponse> events =
                        stub.getContainerEvents(Cri.GetEventsRequest.getDefaultInstance());
                if (!first) {
                    listener.accept(new ContainerEvent(ContainerEvent.Type.RESYNC, null, Map.of(), null));
                }
                first = false;
                while (events.hasNext()) {
                    backoff = FIRST_BACKOFF;
                    deliver(events.next(), labels, listener);
                }
            } catch (StatusRuntimeException e) {
                if (context.isCancelled()) {
                    return;
                }
                LOG.warn("CRI event stream failed; reconnecting endpoint={} in={} error={}", endpoint, backoff,
                        e.getStatus());
            }
            first = false;
            try {
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    static void deliver(Cri.ContainerEventResponse event, Map<String, String> labels,
                        Consumer<ContainerEvent> listener) {
        Cri.ContainerStatus status = event.getContainersStatusesList().stream()
                .filter(s -> s.getId().equals(event.getContainerId())).findFirst().orElse(null);
        Map<String, String> have = status == null ? Map.of() : status.getLabelsMap();
        if (!have.entrySet().containsAll(labels.entrySet())) {
            return;
        }
        switch (event.getContainerEventType()) {
            case CONTAINER_STARTED_EVENT -> listener.accept(new ContainerEvent(ContainerEvent.Type.STARTED,
                    event.getContainerId(), have, null));
            case CONTAINER_STOPPED_EVENT -> listener.accept(new ContainerEvent(ContainerEvent.Type.EXITED,
                    event.getContainerId(), have, status == null ? null : status.getExitCode()));
            case CONTAINER_DELETED_EVENT -> listener.accept(new ContainerEvent(ContainerEvent.Type.REMOVED,
                    event.getContainerId(), have, null));
            default -> {
                // created: nothing the agent waits for
            }
        }
    }
}
