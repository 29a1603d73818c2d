package io.staticpod.manifest.model;

/**
 * An environment variable with a plain value ({@code valueFrom} comes later). Its value may be a password, so
 * {@link #toString()} shows only its length: a pod or container record logged whole does not print it.
 */
public record EnvVar(String name, String value) {
    @Override
    public String toString() {
        return "EnvVar[name=" + name + ", value=" + (value == null ? "null"
                : "(" + value.length() + " characters, not shown)") + "]";
    }
}
