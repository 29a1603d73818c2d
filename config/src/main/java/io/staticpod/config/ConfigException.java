package io.staticpod.config;

import java.util.List;

/** Every configuration error found, each naming the key (flag or file field) and what would be valid. */
public final class ConfigException extends Exception {
    private final List<String> errors;

    public ConfigException(List<String> errors) {
        super(String.join("\n", errors));
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
        return errors;
    }
}
