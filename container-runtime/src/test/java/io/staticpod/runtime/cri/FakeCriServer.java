package io.staticpod.runtime.cri;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.staticpod.runtime.cri.proto.Cri;
import io.staticpod.runtime.cri.proto.ImageServiceGrpc;
import io.staticpod.runtime.cri.proto.RuntimeServiceGrpc;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A CRI server in the test's JVM (gRPC in-process transport), answering as the test says: for the adapter's own
 * logic (error mapping, version check, deadlines) only. What a real runtime does is tested in src-it on containerd.
 */
final class FakeCriServer implements AutoCloseable {
    final List<Object> requests = new CopyOnWriteArrayList<>();
    private final Server server;
    private final ManagedChannel channel;

    /**
     * @param services the services to serve (none: a server that knows no CRI at all)
     */
    FakeCriServer(BindableService... services) throws IOException {
        String name = "cri-" + UUID.randomUUID();
        InProcessServerBuilder builder = InProcessServerBuilder.forName(name).directExecutor();
        for (BindableService s : services) {
            builder.addService(s);
        }
        this.server = builder.build().start();
        this.channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    FakeCriServer(ServerServiceDefinition definition) throws IOException {
        String name = "cri-" + UUID.randomUUID();
        this.server = InProcessServerBuilder.forName(name).directExecutor().addService(definition).build().start();
        this.channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    CriRuntime runtime(CriSettings settings) {
        return CriRuntime.over(channel, settings);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    /** The runtime.v1alpha2 Version method only, as a containerd 1.5 would answer it. */
    static ServerServiceDefinition v1alpha2Only(String name, String version) {
        return ServerServiceDefinition.builder("runtime.v1alpha2.RuntimeService")
                .addMethod(io.grpc.MethodDescriptor.<Cri.VersionRequest, Cri.VersionResponse>newBuilder()
                                .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
                                .setFullMethodName("runtime.v1alpha2.RuntimeService/Version")
                                .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                                        Cri.VersionRequest.getDefaultInstance()))
                                .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                                        Cri.VersionResponse.getDefaultInstance()))
                                .build(),
                        ServerCalls.asyncUnaryCall((Cri.VersionRequest r, StreamObserver<Cri.VersionResponse> o) -> {
                            o.onNext(Cri.VersionResponse.newBuilder().setRuntimeName(name)
                                    .setRuntimeVersion(version).setRuntimeApiVersion("0.1.0").build());
                            o.onCompleted();
                        }))
                .build();
    }

    /** A v1 runtime that answers Version, and fails every other call it is asked with {@code failure}. */
    static class Runtime extends RuntimeServiceGrpc.RuntimeServiceImplBase {
        final List<Object> requests = new ArrayList<>();
        volatile Status failure = Status.UNIMPLEMENTED;
        /** The name and version it answers with. */
        volatile String name = "fakecri";
        volatile String version = "v9.9.9";

        @Override
        public void version(Cri.VersionRequest request, StreamObserver<Cri.VersionResponse> o) {
            o.onNext(Cri.VersionResponse.newBuilder().setVersion("0.1.0").setRuntimeName(name)
                    .setRuntimeVersion(version).setRuntimeApiVersion("v1").build());
            o.onCompleted();
        }

        @Override
        public void containerStatus(Cri.ContainerStatusRequest request,
                                    StreamObserver<Cri.ContainerStatusResponse> o) {
            requests.add(request);
            o.onError(failure.asRuntimeException());
        }

        @Override
        public void stopContainer(Cri.StopContainerRequest request, StreamObserver<Cri.StopContainerResponse> o) {
            requests.add(request);
            o.onError(failure.asRuntimeException());
        }

        @Override
        public void startContainer(Cri.StartContainerRequest request,
                                   StreamObserver<Cri.StartContainerResponse> o) {
            requests.add(request);
            o.onError(failure.asRuntimeException());
        }

        @Override
        public void listContainers(Cri.ListContainersRequest request,
                                   StreamObserver<Cri.ListContainersResponse> o) {
            // never answers: a hung runtime
            requests.add(request);
        }
    }

    /** Images: every pull fails with {@code failure}; no image is present. */
    static class Images extends ImageServiceGrpc.ImageServiceImplBase {
        volatile Status failure = Status.UNKNOWN.withDescription("failed to resolve reference: not found");

        @Override
        public void imageStatus(Cri.ImageStatusRequest request, StreamObserver<Cri.ImageStatusResponse> o) {
            o.onNext(Cri.ImageStatusResponse.getDefaultInstance());
            o.onCompleted();
        }

        @Override
        public void pullImage(Cri.PullImageRequest request, StreamObserver<Cri.PullImageResponse> o) {
            o.onError(failure.asRuntimeException());
        }
    }
}
