package io.staticpod.runtime.spi;

/**
 * Every failure of a runtime call, by kind, so that callers decide by type and never by message text. The message
 * names what was asked (the call, the container or image) and what the engine answered; it never holds an
 * environment value.
 */
public abstract sealed class RuntimeError extends RuntimeException {

    private RuntimeError(String message, Throwable cause) {
        super(message, cause);
    }

    /** The container, sandbox or image the call needs does not exist (any more). */
    public static final class NotFound extends RuntimeError {
        public NotFound(String message) {
            super(message, null);
        }
    }

    /**
     * The engine cannot be reached or answers with a server error: the socket is missing, the connection is refused
     * or cut, the engine is shutting down. Retrying later may succeed; the relister reports the runtime as down.
     */
    public static final class Unavailable extends RuntimeError {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The engine answered and refused the request: a configuration it cannot apply (a user it cannot set, a host
     * port already taken, a name in use), an API version it does not speak. Retrying the same request fails again.
     */
    public static final class Refused extends RuntimeError {
        public Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The image is neither present nor could it be pulled: reported as ErrImagePull, then ImagePullBackOff. */
    public static final class ImageUnavailable extends RuntimeError {
        public ImageUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The engine did not answer within the call's deadline; what the call asked for may or may not have happened. */
    public static final class TimedOut extends RuntimeError {
        public TimedOut(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
