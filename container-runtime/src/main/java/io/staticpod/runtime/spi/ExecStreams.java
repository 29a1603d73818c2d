package io.staticpod.runtime.spi;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * A command run in a running container with its output copied as it comes, for {@code kubectl exec} on a runtime
 * that has no streaming server of its own ({@link StreamingUrls}): the agent serves the stream protocols itself and
 * copies what this part gives, as the kubelet's dockershim did for Docker.
 */
public interface ExecStreams {

    /**
     * Runs {@code command} in the container, without stdin and without a terminal, copies its stdout and stderr to
     * {@code stdout} and {@code stderr} as they come (each write flushed), and returns its exit code once it ends. No
     * deadline: the command may run as long as it likes. A write that fails (the client has gone) ends the copy at
     * once and is thrown; the command may go on in the container (engines offer no way to end it).
     *
     * @throws RuntimeError.NotFound when the container does not exist or is not running
     * @throws RuntimeError          when the runtime fails or cannot be reached
     * @throws IOException           when {@code stdout} or {@code stderr} failed
     */
    int exec(String containerId, List<String> command, OutputStream stdout, OutputStream stderr) throws IOException;
}
