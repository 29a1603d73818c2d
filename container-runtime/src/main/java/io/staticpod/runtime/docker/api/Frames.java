package io.staticpod.runtime.docker.api;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Docker's multiplexed stream (logs, exec output of a container without a TTY): frames of an 8-byte header (the
 * stream: 1 stdout, 2 stderr; bytes 4-7 the payload's length, big-endian) and the payload. Not thread-safe.
 */
final class Frames {

    /** Larger frames are not Docker's (its log lines are cut at 16 KiB, exec output comes in 32 KiB reads). */
    static final int MAX_FRAME = 1 << 20;

    /** One frame: {@code stream} 1 (stdout) or 2 (stderr). */
    record Frame(int stream, byte[] payload) {
    }

    private final InputStream in;

    Frames(InputStream in) {
        this.in = in;
    }

    /** The next frame, or null at the end of the stream. */
    Frame next() throws IOException {
        byte[] header = new byte[8];
        int first = in.readNBytes(header, 0, 8);
        if (first == 0) {
            return null;
        }
        if (first < 8) {
            throw new EOFException("a multiplexed stream ended inside a frame header");
        }
        long length = ((header[4] & 0xffL) << 24) | ((header[5] & 0xff) << 16) | ((header[6] & 0xff) << 8)
                | (header[7] & 0xff);
        if (length > MAX_FRAME) {
            throw new IOException("a multiplexed frame of " + length + " bytes: not a Docker stream");
        }
        byte[] payload = in.readNBytes((int) length);
        if (payload.length < length) {
            throw new EOFException("a multiplexed stream ended inside a frame");
        }
        return new Frame(header[0], payload);
    }
}
