package io.staticpod.runtime.cri;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.staticpod.runtime.cri.proto.Cri;
import io.staticpod.runtime.cri.proto.RuntimeServiceGrpc;
import io.staticpod.runtime.spi.ContainerEvent;
import io.staticpod.runtime.spi.ExitEvents;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Container events from CRI's {@code GetContainerEvents} (containerd 1.7 and later, CRI-O 1.26 and later), for
 * runtimes that {@linkplain #supported answer it}. Each subscription is one stream read by one daemon thread of its
 * own ({@code cri-events}), which delivers the events in order: started, stopped (with the exit code from the
 * event's container status), deleted; creations are not passed on. Reconnection: {@link EventStreams}.
 */
final class CriExitEvents implements ExitEvents {
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
        return EventStreams.follow("cri-events", "GetContainerEvents on " + endpoint,
                () -> stub.getContainerEvents(Cri.GetEventsRequest.getDefaultInstance()),
                event -> deliver(event, labels, listener), listener);
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
