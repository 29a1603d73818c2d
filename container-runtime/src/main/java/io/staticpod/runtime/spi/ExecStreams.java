package io.staticpod.runtime.spi;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Commands run in a running container with their input and output streamed, for {@code kubectl exec} on a runtime
 * that has no streaming server of its own ({@link StreamingUrls}): the agent serves the stream protocols itself and
 * joins them to a {@link Process} of this part, as the kubelet's dockershim did for Docker; {@code kubectl attach}
 * the same way, to the container's own output.
 */
public interface ExecStreams {

    /**
     * Starts {@code command} in the container.
     *
     * @param stdin whether the command reads what {@link Process#stdin()} is given (else it reads nothing)
     * @param tty   whether the command runs on a terminal: its stdout and stderr are then one stream, and
     *              {@link Process#resize} sets the terminal's size
     * @throws RuntimeError.NotFound when the container does not exist or is not running
     * @throws RuntimeError          when the runtime fails or cannot be reached
     */
    Process start(String containerId, List<String> command, boolean stdin, boolean tty);

    /**
     * Joins the running container's own output from now on (its main process's stdout and stderr), for {@code kubectl
     * attach}. The agent creates no container with stdin or a terminal (the pod fields {@code stdin} and {@code tty}
     * are not supported), so, as a runtime does for such a container, what {@link Process#stdin()} is given is
     * dropped and {@link Process#resize} does nothing. {@link Process#copyOutput} returns 0 once the container's
     * output ends (it exited): an attach has no exit code of its own.
     *
     * @throws RuntimeError.NotFound when the container does not exist or is not running
     * @throws RuntimeError          when the runtime fails or cannot be reached
     */
    Process attach(String containerId);

    /**
     * A command started by {@link #start}; {@link #close} ends its streams (the command may go on: {@link #kill} ends
     * it).
     */
    interface Process extends AutoCloseable {

        /**
         * The command's input, when it was started with stdin (else a stream that throws): each write flushed; a
         * write may wait while the command does not read; closing it is the command's end of file. One thread.
         */
        OutputStream stdin();

        /**
         * Copies the command's stdout and stderr (with a terminal: its one stream, to {@code stdout}) as they come,
         * each write flushed, until the command ends, and returns its exit code. No deadline: the command may run as
         * long as it likes. A write that fails (the client has gone) ends the copy at once and is thrown.
         *
         * @throws RuntimeError when the runtime fails or cannot be reached
         * @throws IOException  when {@code stdout} or {@code stderr} failed
         */
        int copyOutput(OutputStream stdout, OutputStream stderr) throws IOException;

        /** Sets the terminal's size, in characters; nothing without a terminal. Any thread. */
        void resize(int width, int height);

        /**
         * Ends the command if it still runs (its process killed), for a client that has gone: a command left running
         * would hold on in the container for good (an interactive shell, a {@code tail -f}). Nothing for an attach.
         * May call the runtime: not on an event loop.
         *
         * @throws RuntimeError when the runtime fails or cannot be reached
         */
        void kill();

        @Override
        void close();
    }
}
