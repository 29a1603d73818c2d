package io.staticpod.runtime.docker;

import java.util.Collection;

/** Keeping environment values out of messages: an engine or a CLI may quote the request it refused. */
public final class Secrets {

    /** What stands for a value taken out. */
    public static final String REDACTED = "…";

    private Secrets() {
    }

    /**
     * {@code message} with every occurrence of each of {@code values} replaced by {@value #REDACTED}. Values shorter
     * than four characters are left: they would garble the message and hide nothing.
     */
    public static String redact(String message, Collection<String> values) {
        if (message == null) {
            return null;
        }
        String redacted = message;
        for (String value : values) {
            if (value.length() >= 4) {
                redacted = redacted.replace(value, REDACTED);
            }
        }
        return redacted;
    }
}
