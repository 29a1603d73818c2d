package io.staticpod.runtime.cri;

import com.google.protobuf.InvalidProtocolBufferException;
import io.staticpod.runtime.cri.proto.ContainerdEvents;
import io.staticpod.runtime.cri.proto.Cri;
import io.staticpod.runtime.cri.proto.EventsGrpc;
import io.staticpod.runtime.spi.ContainerEvent;
import io.staticpod.runtime.spi.ExitEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Container exits from containerd's own event service, on the same socket as its CRI plugin, for containerd before
 * 1.7 (no CRI {@code GetContainerEvents}; Debian 12 ships 1.6.20): one {@code Subscribe} stream per subscription,
 * filtered to the task exits of the CRI plugin's namespace ({@value #NAMESPACE}). An exit of a container's own process
 * (not an exec's) is delivered as {@link ContainerEvent.Type#EXITED} with the labels of the container's CRI status
 * (asked once per exit: the event carries none) when they include the subscription's; exits of sandboxes and of
 * containers gone meanwhile are left to the relist. The CRI plugin records the exit in its own store a moment after
 * this event, so its status may still say running when the event arrives. Reconnection: {@link EventStreams}.
 */
final class ContainerdExitEvents implements ExitEvents {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerdExitEvents.class);
    /** The containerd namespace of everything containerd's CRI plugin makes. */
    static final String NAMESPACE = "k8s.io";
    static final String FILTER = "topic==\"/tasks/exit\",namespace==\"" + NAMESPACE + "\"";

    private final EventsGrpc.EventsBlockingStub stub;
    private final String endpoint;
    private final Function<String, Optional<Cri.ContainerStatus>> status;

    /** @param status a container's CRI status by id, empty when there is none */
    ContainerdExitEvents(EventsGrpc.EventsBlockingStub stub, String endpoint,
                         Function<String, Optional<Cri.ContainerStatus>> status) {
        this.stub = stub;
        this.endpoint = endpoint;
        this.status = status;
    }

    @Override
    public AutoCloseable subscribe(Map<String, String> labels, Consumer<ContainerEvent> listener) {
        return EventStreams.follow("containerd-events", "containerd events on " + endpoint,
                () -> stub.subscribe(ContainerdEvents.SubscribeRequest.newBuilder().addFilters(FILTER).build()),
                envelope -> deliver(envelope, labels, listener), listener);
    }

    void deliver(ContainerdEvents.Envelope envelope, Map<String, String> labels, Consumer<ContainerEvent> listener) {
        ContainerdEvents.TaskExit exit;
        try {
            exit = ContainerdEvents.TaskExit.parseFrom(envelope.getEvent().getValue());
        } catch (InvalidProtocolBufferException e) {
            LOG.debug("Unreadable containerd event dropped topic={} error={}", envelope.getTopic(), e.getMessage());
            return;
        }
        if (!exit.getId().equals(exit.getContainerId())) {
            return; // an exec's process
        }
        Optional<Cri.ContainerStatus> container;
        try {
            container = status.apply(exit.getContainerId());
        } catch (RuntimeException e) {
            LOG.debug("Exited container not asked about; the relist sees it id={} error={}", exit.getContainerId(),
                    e.getMessage());
            return;
        }
        Map<String, String> have = container.map(Cri.ContainerStatus::getLabelsMap).orElse(Map.of());
        if (container.isEmpty() || !have.entrySet().containsAll(labels.entrySet())) {
            return; // a sandbox, a container gone meanwhile, or someone else's
        }
        listener.accept(new ContainerEvent(ContainerEvent.Type.EXITED, exit.getContainerId(), have,
                exit.getExitStatus()));
    }
}
