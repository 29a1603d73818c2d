package io.staticpod.runtime.spi;

import java.util.Map;
import java.util.Optional;

/**
 * A container runtime at the level of pods, as the kubelet sees one through CRI: sandboxes that hold a pod's
 * namespaces, containers created in a sandbox, images. One instance per engine connection.
 *
 * <p>Rules for every method of this interface and of the parts it hands out:
 * <ul>
 *   <li><b>Thread-safe</b>: any thread may call anything at any time; calls for different containers never wait
 *   for each other beyond the engine's own locking.</li>
 *   <li><b>Bounded</b>: each call returns or throws {@link RuntimeError.TimedOut} within the adapter's deadline for
 *   that kind of call (documented by the adapter; a stop's deadline is its grace period plus a margin), whatever the
 *   engine does: an engine that accepts a connection and never answers cannot hold a caller for good.</li>
 *   <li><b>Typed failures</b>: every failure is a {@link RuntimeError}, never a bare {@link RuntimeException} whose
 *   message must be matched; its message names what was asked and what the engine answered.</li>
 *   <li><b>Missing</b>: an id the engine does not know is {@link Optional#empty()} from a status call, success from a
 *   stop or remove (they are idempotent), and {@link RuntimeError.NotFound} from a start or create that needs it.</li>
 *   <li><b>No process spawned</b> on the steady-state path (listing, status, start, stop, exec, events) by the API
 *   adapters; the CLI adapters are the exception and say so.</li>
 * </ul>
 */
public interface ContainerRuntime extends AutoCloseable {

    /**
     * A short name for logs, metrics and the {@code <name>://<id>} container ids of a pod's status:
     * {@code docker}, {@code containerd}, {@code cri-o}. No call to the engine.
     */
    String name();

    /** What this runtime can do; constant for the life of the instance. No call to the engine. */
    Capabilities capabilities();

    /**
     * Asks the engine who it is, negotiating the API version on the first call.
     *
     * @throws RuntimeError.Unavailable when the engine cannot be reached
     * @throws RuntimeError.Refused     when it answers but refuses every API version this adapter speaks (the
     *                                  message names both)
     */
    RuntimeVersion version();

    /** The runtime's sandboxes, containers and images; the same instance for the life of the runtime. */
    RuntimeParts parts();

    /** Pod sandboxes: {@code parts().sandboxes()}. */
    default PodSandboxes sandboxes() {
        return parts().sandboxes();
    }

    /** Containers in a sandbox: {@code parts().containers()}. */
    default Containers containers() {
        return parts().containers();
    }

    /** Images: {@code parts().images()}. */
    default Images images() {
        return parts().images();
    }

    /**
     * Every sandbox and container whose labels include all of {@code labels}, in as few calls as the engine allows
     * (one on Docker): the relist. Recovery after an agent restart is done from this alone; there is no state file.
     */
    RuntimeSnapshot snapshot(Map<String, String> labels);

    /** Running a command in a container and waiting for it (exec probes); empty when the runtime cannot. */
    Optional<ExecSync> exec();

    /** A stream of container exits and starts; empty when the runtime has none (the relist alone then). */
    Optional<ExitEvents> events();

    /** Reading a container's output; empty when the runtime keeps none the agent can read. */
    Optional<ContainerLogs> logs();

    /**
     * Reopening a container's log file after it was renamed aside, so that the agent can rotate the files of
     * runtimes that write them ({@link Capabilities#logRotation()}); empty (the default) when the runtime has no
     * such call or rotates its logs itself.
     */
    default Optional<LogRotation> logRotation() {
        return Optional.empty();
    }

    /**
     * URLs of interactive streams (exec, attach, port-forward) on the runtime's own streaming server, for the node API
     * to hand a client's connection over to ({@link Capabilities#streaming()}); empty (the default) when the runtime
     * has no such server. See {@link StreamingUrls} for what such a URL is, how long it lasts and what it speaks.
     */
    default Optional<StreamingUrls> streaming() {
        return Optional.empty();
    }

    /**
     * Commands run with their output streamed as it comes, for {@code kubectl exec} on a runtime without a streaming
     * server of its own (the agent then serves the stream protocols); empty (the default) when the runtime has no
     * such call, or has {@link #streaming()}.
     */
    default Optional<ExecStreams> execStreams() {
        return Optional.empty();
    }

    /** Releases connections and threads; containers keep running. Idempotent. */
    @Override
    void close();
}
