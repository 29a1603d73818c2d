package io.staticpod.runtime.cri;

import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.staticpod.runtime.cri.proto.Cri;
import io.staticpod.runtime.cri.proto.RuntimeServiceGrpc;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.RuntimeVersion;

import java.util.concurrent.TimeUnit;

/**
 * The CRI {@code Version} call, and the check that the runtime serves {@code runtime.v1}. When it does not, the older
 * {@code runtime.v1alpha2} (whose {@code Version} messages are the same on the wire) is asked too, so that the error
 * says what the runtime does speak: {@code CRI runtime.v1 is not served at unix:///…: asked
 * runtime.v1.RuntimeService/Version, answered UNIMPLEMENTED …; it serves runtime.v1alpha2 (containerd v1.5.18)}.
 */
final class CriVersion {
    static final String API = "v1";
    private static final MethodDescriptor<Cri.VersionRequest, Cri.VersionResponse> V1ALPHA2_VERSION =
            MethodDescriptor.<Cri.VersionRequest, Cri.VersionResponse>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName("runtime.v1alpha2.RuntimeService/Version")
                    .setRequestMarshaller(ProtoUtils.marshaller(Cri.VersionRequest.getDefaultInstance()))
                    .setResponseMarshaller(ProtoUtils.marshaller(Cri.VersionResponse.getDefaultInstance()))
                    .build();

    private final CriChannel channel;
    private final RuntimeServiceGrpc.RuntimeServiceBlockingStub stub;
    private final CriErrors errors;
    private final CriSettings settings;
    /** Set once a {@code runtime.v1} answer was seen; never reset. */
    private volatile boolean served;

    CriVersion(CriChannel channel, RuntimeServiceGrpc.RuntimeServiceBlockingStub stub, CriErrors errors,
               CriSettings settings) {
        this.channel = channel;
        this.stub = stub;
        this.errors = errors;
        this.settings = settings;
    }

    /** Asks the runtime who it is. */
    RuntimeVersion ask() {
        Cri.VersionResponse answer;
        try {
            answer = stub.withDeadlineAfter(settings.callTimeout().toNanos(), TimeUnit.NANOSECONDS)
                    .version(Cri.VersionRequest.newBuilder().setVersion(API).build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
                throw new RuntimeError.Refused(notServed(e), e);
            }
            throw errors.map("Version", null, e);
        }
        served = true;
        String api = answer.getRuntimeApiVersion().isEmpty() ? API : answer.getRuntimeApiVersion();
        return new RuntimeVersion(answer.getRuntimeName(), answer.getRuntimeVersion(), api);
    }

    /** Checks the version on the first call of all; afterwards costs one volatile read. */
    void checked() {
        if (!served) {
            ask();
        }
    }

    private String notServed(StatusRuntimeException v1) {
        String asked = "CRI runtime.v1 is not served at " + settings.endpoint()
                + ": asked runtime.v1.RuntimeService/Version, answered " + v1.getStatus().getCode()
                + (v1.getStatus().getDescription() == null ? "" : " " + v1.getStatus().getDescription());
        try {
            Cri.VersionResponse old = ClientCalls.blockingUnaryCall(channel.channel(), V1ALPHA2_VERSION,
                    CallOptions.DEFAULT.withDeadlineAfter(settings.callTimeout().toNanos(), TimeUnit.NANOSECONDS),
                    Cri.VersionRequest.newBuilder().setVersion("v1alpha2").build());
            return asked + "; it serves only runtime.v1alpha2 (" + old.getRuntimeName() + " "
                    + old.getRuntimeVersion() + "), which this agent does not speak: upgrade the runtime"
                    + " (containerd 1.6 or later, CRI-O 1.23 or later)";
        } catch (StatusRuntimeException e) {
            return asked + "; runtime.v1alpha2.RuntimeService/Version answered " + e.getStatus().getCode()
                    + ": no CRI is served there (is it containerd with its CRI plugin disabled?"
                    + " `disabled_plugins` in its config.toml must not name \"cri\")";
        }
    }
}
