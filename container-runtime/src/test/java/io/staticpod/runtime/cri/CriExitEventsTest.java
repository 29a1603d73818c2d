package io.staticpod.runtime.cri;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.staticpod.runtime.cri.proto.ContainerdEvents;
import io.staticpod.runtime.cri.proto.Cri;
import io.staticpod.runtime.cri.proto.EventsGrpc;
import io.staticpod.runtime.spi.ContainerEvent;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class CriExitEventsTest {
    private static final CriSettings SETTINGS = CriSettings.of("unix:///run/test/cri.sock")
            .withCallTimeout(Duration.ofMillis(300));

    /**
     * A runtime with GetContainerEvents: the first stream (the probe when connecting) stays quiet, the second sends two
     * events of ours and one of another's, then breaks; later ones stay quiet.
     */
    static final class WithEvents extends FakeCriServer.Runtime {
        final AtomicInteger streams = new AtomicInteger();

        @Override
        public void getContainerEvents(Cri.GetEventsRequest request,
                                       StreamObserver<Cri.ContainerEventResponse> o) {
            if (streams.incrementAndGet() != 2) {
                return; // open, quiet
            }
            o.onNext(event("c1", Cri.ContainerEventType.CONTAINER_STARTED_EVENT, "ours", 0));
            o.onNext(event("c2", Cri.ContainerEventType.CONTAINER_STOPPED_EVENT, "theirs", 1));
            o.onNext(event("c1", Cri.ContainerEventType.CONTAINER_STOPPED_EVENT, "ours", 3));
            o.onError(Status.UNAVAILABLE.withDescription("containerd is restarting").asRuntimeException());
        }

        static Cri.ContainerEventResponse event(String id, Cri.ContainerEventType type, String owner, int exit) {
            return Cri.ContainerEventResponse.newBuilder().setContainerId(id).setContainerEventType(type)
                    .addContainersStatuses(Cri.ContainerStatus.newBuilder().setId(id).setExitCode(exit)
                            .putLabels("owner", owner))
                    .build();
        }
    }

    @Test
    void aRuntimeWithoutContainerEventsHasNoneAndOneWithThemDeliversExitsThenAResyncAfterACut() throws Exception {
        try (FakeCriServer without = new FakeCriServer(new FakeCriServer.Runtime());
             CriRuntime cri = without.runtime(SETTINGS)) {
            assertThat(cri.capabilities().exitEvents()).isFalse();
            assertThat(cri.events()).isEmpty();
        }
        WithEvents runtime = new WithEvents();
        List<ContainerEvent> seen = new CopyOnWriteArrayList<>();
        try (FakeCriServer with = new FakeCriServer(runtime);
             CriRuntime cri = with.runtime(SETTINGS)) {
            assertThat(cri.capabilities().exitEvents()).isTrue();
            try (AutoCloseable subscription = cri.events().orElseThrow().subscribe(Map.of("owner", "ours"),
                    seen::add)) {
                await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() >= 3);
            }
        }
        assertThat(seen).extracting(ContainerEvent::type, ContainerEvent::containerId, ContainerEvent::exitCode)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(ContainerEvent.Type.STARTED, "c1", null),
                        org.assertj.core.groups.Tuple.tuple(ContainerEvent.Type.EXITED, "c1", 3),
                        org.assertj.core.groups.Tuple.tuple(ContainerEvent.Type.RESYNC, null, null));
    }

    /** containerd 1.6: no GetContainerEvents; its event service sends task exits, the CRI status has the labels. */
    static final class Containerd16 extends FakeCriServer.Runtime {
        Containerd16() {
            name = "containerd";
            version = "1.6.20";
        }

        @Override
        public void containerStatus(Cri.ContainerStatusRequest request,
                                    StreamObserver<Cri.ContainerStatusResponse> o) {
            String id = request.getContainerId();
            if (!id.startsWith("c")) {
                o.onError(Status.NOT_FOUND.withDescription("no container " + id).asRuntimeException());
                return;
            }
            o.onNext(Cri.ContainerStatusResponse.newBuilder().setStatus(Cri.ContainerStatus.newBuilder().setId(id)
                    .putLabels("owner", id.equals("c1") ? "ours" : "theirs")).build());
            o.onCompleted();
        }
    }

    static final class TaskExits extends EventsGrpc.EventsImplBase {
        final List<ContainerdEvents.SubscribeRequest> requests = new CopyOnWriteArrayList<>();

        @Override
        public void subscribe(ContainerdEvents.SubscribeRequest request,
                              StreamObserver<ContainerdEvents.Envelope> o) {
            requests.add(request);
            if (requests.size() != 1) {
                return; // open, quiet
            }
            o.onNext(exit("c1", "exec-1", 7)); // an exec's process
            o.onNext(exit("s1", "s1", 0)); // a sandbox: no container status
            o.onNext(exit("c2", "c2", 1)); // someone else's
            o.onNext(exit("c1", "c1", 137));
            o.onError(Status.UNAVAILABLE.withDescription("containerd is restarting").asRuntimeException());
        }

        static ContainerdEvents.Envelope exit(String container, String process, int status) {
            return ContainerdEvents.Envelope.newBuilder().setNamespace("k8s.io").setTopic("/tasks/exit")
                    .setEvent(com.google.protobuf.Any.newBuilder().setTypeUrl("containerd.events.TaskExit")
                            .setValue(ContainerdEvents.TaskExit.newBuilder().setContainerId(container)
                                    .setId(process).setExitStatus(status).build().toByteString()))
                    .build();
        }
    }

    @Test
    void onContainerdWithoutContainerEventsItsOwnTaskExitsAreDeliveredWithTheContainersLabels() throws Exception {
        TaskExits events = new TaskExits();
        List<ContainerEvent> seen = new CopyOnWriteArrayList<>();
        try (FakeCriServer containerd = new FakeCriServer(new Containerd16(), events);
             CriRuntime cri = containerd.runtime(SETTINGS)) {
            assertThat(cri.capabilities().exitEvents()).isTrue();
            try (AutoCloseable subscription = cri.events().orElseThrow().subscribe(Map.of("owner", "ours"),
                    seen::add)) {
                await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() >= 2);
            }
        }
        assertThat(seen).extracting(ContainerEvent::type, ContainerEvent::containerId, ContainerEvent::exitCode)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(ContainerEvent.Type.EXITED, "c1", 137),
                        org.assertj.core.groups.Tuple.tuple(ContainerEvent.Type.RESYNC, null, null));
        assertThat(seen.get(0).labels()).containsEntry("owner", "ours");
        assertThat(events.requests.get(0).getFiltersList())
                .containsExactly("topic==\"/tasks/exit\",namespace==\"k8s.io\"");
    }
}
