package io.staticpod.runtime.spi;

import java.util.Objects;

/** One environment variable. {@link #toString()} never shows the value: it may be a password. */
public record EnvVar(String name, String value) {
    public EnvVar {
        Objects.requireNonNull(name, "name");
        value = value == null ? "" : value;
    }

    @Override
    public String toString() {
        return name + "=(" + value.length() + " characters, not shown)";
    }
}
