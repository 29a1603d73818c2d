package io.staticpod.runtime.ctr;

import io.staticpod.runtime.exec.CommandException;
import io.staticpod.runtime.exec.CommandResult;
import io.staticpod.runtime.exec.CommandRunner;
import io.staticpod.runtime.spi.RuntimeError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Every {@code ctr} call of the containerd adapters: {@code ctr --address SOCKET --connect-timeout 3s --namespace NS
 * ARGS} through the {@link CommandRunner}, under a timeout, logged at DEBUG with environment values redacted.
 * Thread-safe.
 */
public final class CtrCli {

    private static final Logger log = LoggerFactory.getLogger(CtrCli.class);

    /**
     * How long {@code ctr} tries to reach containerd (its own default is 10 s): a containerd that is down is
     * reported within this time, while a local socket that answers is dialled in milliseconds even on a busy node.
     */
    public static final String CONNECT_TIMEOUT = "3s";

    private final CommandRunner runner;
    private final List<String> base;
    private final String namespace;

    /**
     * @param ctr      the program ({@code ctr}, from the PATH)
     * @param endpoint {@code unix:///run/containerd/containerd.sock} or a plain socket path
     */
    public CtrCli(CommandRunner runner, String ctr, String endpoint, String namespace) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.base = List.of(Objects.requireNonNull(ctr, "ctr"), "--address", socketPath(endpoint),
                "--connect-timeout", CONNECT_TIMEOUT, "--namespace", namespace);
    }

    /** The socket path of a CRI-style endpoint: {@code unix:///x.sock} → {@code /x.sock}; a path stays as it is. */
    public static String socketPath(String endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        if (endpoint.startsWith("unix://")) {
            return endpoint.substring("unix://".length());
        }
        if (endpoint.contains("://")) {
            throw new IllegalArgumentException("containerd endpoint " + endpoint
                    + " is not a unix socket; expected unix:///path/to/containerd.sock");
        }
        return endpoint;
    }

    /** The containerd namespace every call is made in. */
    public String namespace() {
        return namespace;
    }

    /** {@code ctr --address … --namespace …}, for callers that build a whole argv. */
    public List<String> base() {
        return base;
    }

    /**
     * Runs {@code ctr ARGS}; any exit code is returned.
     *
     * @throws CommandException when ctr cannot be run or does not end within {@code timeout}
     */
    public CommandResult run(Duration timeout, String... args) {
        return runArgv(argv(List.of(args)), timeout);
    }

    /** Runs a whole argv that starts with {@link #base()}; as {@link #run(Duration, String...)}. */
    public CommandResult runArgv(List<String> argv, Duration timeout) {
        CommandResult result = runner.run(argv, timeout);
        if (log.isDebugEnabled()) {
            log.debug("Ran ctr command argv=\"{}\" exitCode={}", CommandException.quote(argv), result.exitCode());
        }
        return result;
    }

    /**
     * Runs {@code ctr ARGS}; any exit code is returned, but a ctr that cannot be run or does not answer in time is a
     * typed {@link RuntimeError} ({@link CtrErrors#failure(String, CommandException)}).
     *
     * @param what the call in words, for the error message ({@code stop container 0123…})
     */
    public CommandResult call(String what, Duration timeout, String... args) {
        return callArgv(what, argv(List.of(args)), timeout);
    }

    /** As {@link #call}, for a whole argv that starts with {@link #base()}. */
    public CommandResult callArgv(String what, List<String> argv, Duration timeout) {
        try {
            return runArgv(argv, timeout);
        } catch (CommandException e) {
            throw CtrErrors.failure(what, e);
        }
    }

    /** As {@link #call}, and a non-zero exit is the typed {@link RuntimeError} of ctr's answer. */
    public CommandResult ok(String what, Duration timeout, String... args) {
        CommandResult result = call(what, timeout, args);
        if (!result.succeeded()) {
            throw CtrErrors.failure(what, result);
        }
        return result;
    }

    /** {@link #base()} followed by {@code args}. */
    public List<String> argv(List<String> args) {
        List<String> argv = new ArrayList<>(base);
        argv.addAll(args);
        return argv;
    }
}
