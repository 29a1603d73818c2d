package io.staticpod.agent.cli;

import io.staticpod.config.AgentConfig;
import io.staticpod.config.ConfigLoader;
import io.staticpod.runtime.spi.ContainerRuntime;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.function.Function;

/**
 * The commands of the same jar besides the daemon: {@code validate}, {@code status}, {@code logs}, {@code version}. The
 * daemon stays
 * the default: a command line starting with a flag (or empty) is the daemon's.
 */
public final class Commands {
    /** Exit codes, as the usual tools: 0 fine, 1 a problem was found, 2 the command line is wrong. */
    public static final int OK = 0;
    public static final int PROBLEMS = 1;
    public static final int USAGE = 2;

    static final String USAGE_TEXT = """
            Usage: static-pod-agent [FLAGS]             run the agent (see --help)
                   static-pod-agent validate [--hostname-override NAME] [--strict-manifest-permissions] FILE|DIR...
                                                        check manifests exactly as the agent would
                   static-pod-agent status [--json] [--address HOST:PORT | --config FILE]
                                                        the static pods the running agent runs
                   static-pod-agent logs POD [CONTAINER] [-f] [--previous] [--tail N] [--timestamps] [-n NAMESPACE]
                                    [--config FILE] [--runtime NAME] [--container-runtime-endpoint URL]
                                    [--hostname-override NAME]
                                                        a static pod's logs, read from the runtime (POD: the manifest's
                                                        pod name or the mirror's <pod>-<node>)
                   static-pod-agent version             print the version""";

    private Commands() {
    }

    /** True when the first argument names a command (not a flag of the daemon). */
    public static boolean handles(String[] args) {
        return args.length > 0 && switch (args[0]) {
            case "validate", "status", "logs", "version", "help" -> true;
            default -> false;
        };
    }

    /** Runs the command and returns its exit code; {@code logs} cannot open a runtime. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, config -> {
            throw new IllegalArgumentException("no runtime adapters in this build");
        });
    }

    /**
     * Runs the command and returns its exit code.
     *
     * @param runtimes opens the runtime adapter a configuration names, as the daemon does (for {@code logs})
     */
    public static int run(String[] args, PrintStream out, PrintStream err,
                          Function<AgentConfig, ContainerRuntime> runtimes) {
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        return switch (args[0]) {
            case "validate" -> new ValidateCommand(out, err).run(rest);
            case "status" -> new StatusCommand(out, err).run(rest);
            case "logs" -> new LogsCommand(out, err, runtimes).run(rest);
            case "version" -> {
                out.println("static-pod-agent " + ConfigLoader.version());
                yield OK;
            }
            default -> {
                out.println(USAGE_TEXT);
                yield OK;
            }
        };
    }

    static int usage(PrintStream err, String problem) {
        err.println("static-pod-agent: " + problem);
        err.println(USAGE_TEXT);
        return USAGE;
    }
}
