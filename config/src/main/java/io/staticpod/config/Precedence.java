package io.staticpod.config;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * The precedence of every setting: a flag that was given, its text checked; else the config file's value (already
 * checked when the file was read); else the default. A flag's problems go to the one error list, so that all are
 * reported together.
 */
final class Precedence {

    /**
     * A check of a flag's text, as {@link Values}' methods: the value, or null with an error naming {@code key}
     * added.
     */
    @FunctionalInterface
    interface Check<T> {
        T check(String key, String raw, List<String> errors);

        /** A conversion that cannot fail. */
        static <T> Check<T> always(Function<String, T> convert) {
            return (key, raw, errors) -> convert.apply(raw);
        }
    }

    /** A path flag, made absolute and normalised. */
    static final Check<Path> PATH = Check.always(Precedence::absolute);

    private final List<String> errors;

    Precedence(List<String> errors) {
        this.errors = errors;
    }

    /** The flag {@code raw} checked when it was given (even blank), else {@code fromFile}, else {@code fallback}. */
    <T> T pick(String flag, String raw, Check<T> check, T fromFile, T fallback) {
        return raw != null ? check.check(flag, raw, errors) : fromFile != null ? fromFile : fallback;
    }

    /** As {@link #pick}, with no default. */
    <T> T pick(String flag, String raw, Check<T> check, T fromFile) {
        return pick(flag, raw, check, fromFile, null);
    }

    /** As {@link #pick}, a blank flag counting as not given. */
    <T> T pickNonBlank(String flag, String raw, Check<T> check, T fromFile, T fallback) {
        return pick(flag, raw == null || raw.isBlank() ? null : raw, check, fromFile, fallback);
    }

    /** As {@link #pickNonBlank}, with no default. */
    <T> T pickNonBlank(String flag, String raw, Check<T> check, T fromFile) {
        return pickNonBlank(flag, raw, check, fromFile, null);
    }

    static Path absolute(String path) {
        return Path.of(path.trim()).toAbsolutePath().normalize();
    }
}
