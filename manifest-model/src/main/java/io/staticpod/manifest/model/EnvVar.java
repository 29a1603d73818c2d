package io.staticpod.manifest.model;

/**
 * An environment variable: a plain {@code value}, or a value the agent resolves when the container starts
 * ({@code valueFrom}: a field of the pod or a container's resource, the downward API). Exactly one of the two is
 * set: {@code value} is null when {@code valueFrom} is set, and {@code ""} when the manifest gives neither.
 *
 * <p>Its value may be a password, so {@link #toString()} shows only its length: a pod or container record logged
 * whole does not print it.
 */
public record EnvVar(String name, String value, ValueSource valueFrom) {
    public EnvVar {
        if (valueFrom != null && value != null) {
            throw new IllegalArgumentException("an environment variable has a value or a valueFrom, not both");
        }
        value = value == null && valueFrom == null ? "" : value;
    }

    /** A variable with a plain value ({@code null} counts as {@code ""}). */
    public EnvVar(String name, String value) {
        this(name, value, null);
    }

    @Override
    public String toString() {
        return "EnvVar[name=" + name + ", value=" + (value == null ? "null"
                : "(" + value.length() + " characters, not shown)") + ", valueFrom=" + valueFrom + "]";
    }
}
