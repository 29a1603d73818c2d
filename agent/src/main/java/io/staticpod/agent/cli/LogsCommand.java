package io.staticpod.agent.cli;

import io.staticpod.agent.nodeapi.logs.LogCopier;
import io.staticpod.config.AgentConfig;
import io.staticpod.config.ConfigException;
import io.staticpod.config.ConfigLoader;
import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.WellKnown;
import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.LogOptions;
import io.staticpod.runtime.spi.LogReader;
import io.staticpod.runtime.spi.RuntimeError;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code logs POD [CONTAINER] [-f] [--previous] [--tail N] [--timestamps] [-n NAMESPACE] [runtime flags]}: a static
 * pod's logs read from the runtime directly through the pod-level SPI, on any runtime whose capabilities include
 * logs, so that nobody needs to know where a runtime keeps them. The runtime, its endpoint and the node name come from
 * the daemon's own flags and config file ({@code --config}, {@code --runtime}, {@code --container-runtime-endpoint},
 * {@code --hostname-override}). Exit code 1 when the pod, the container or its log cannot be read.
 */
final class LogsCommand {
    /** The daemon's flags that choose the runtime and the node; each takes a value. */
    private static final Set<String> RUNTIME_FLAGS = Set.of("--config", "--runtime", "--container-runtime-endpoint",
            "--hostname-override", "--root-dir", "--pod-infra-container-image");

    private final PrintStream out;
    private final PrintStream err;
    private final Function<AgentConfig, ContainerRuntime> opener;

    /** @param opener the runtime adapter a configuration names, as the daemon opens it */
    LogsCommand(PrintStream out, PrintStream err, Function<AgentConfig, ContainerRuntime> opener) {
        this.out = out;
        this.err = err;
        this.opener = opener;
    }

    int run(String[] args) {
        List<String> positional = new ArrayList<>();
        List<String> daemon = new ArrayList<>();
        boolean follow = false;
        boolean previous = false;
        boolean timestamps = false;
        long tail = -1;
        String namespace = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String flag = a.startsWith("--") && a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            boolean inline = !flag.equals(a);
            String value = inline ? a.substring(a.indexOf('=') + 1) : i + 1 < args.length ? args[i + 1] : null;
            boolean takesValue = flag.equals("--tail") || flag.equals("-n") || flag.equals("--namespace")
                    || RUNTIME_FLAGS.contains(flag);
            if (takesValue && value == null) {
                return Commands.usage(err, "logs: " + flag + " needs a value");
            }
            if (takesValue && !inline) {
                i++;
            }
            switch (flag) {
                case "-f", "--follow" -> follow = true;
                case "-p", "--previous" -> previous = true;
                case "--timestamps" -> timestamps = true;
                case "-n", "--namespace" -> namespace = value;
                case "--tail" -> {
                    try {
                        tail = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        return Commands.usage(err, "logs: --tail: \"" + value + "\" is not a number of lines");
                    }
                    if (tail < -1) {
                        return Commands.usage(err, "logs: --tail: " + tail + " must be -1 (all) or more");
                    }
                }
                case "-h", "--help" -> {
                    out.println(Commands.USAGE_TEXT);
                    return Commands.OK;
                }
                default -> {
                    if (RUNTIME_FLAGS.contains(flag)) {
                        daemon.addAll(List.of(flag, value));
                    } else if (a.startsWith("-")) {
                        return Commands.usage(err, "logs: unknown flag " + a + " (the runtime is chosen with "
                                + String.join(", ", RUNTIME_FLAGS.stream().sorted().toList()) + ")");
                    } else {
                        positional.add(a);
                    }
                }
            }
        }
        if (positional.isEmpty() || positional.size() > 2) {
            return Commands.usage(err, "logs: give POD and at most one CONTAINER, got " + positional.size()
                    + " names");
        }
        AgentConfig config;
        try {
            config = config(daemon);
        } catch (ConfigException e) {
            e.errors().forEach(m -> err.println("static-pod-agent: logs: " + m));
            return Commands.USAGE;
        }
        return print(config, positional.get(0), positional.size() > 1 ? positional.get(1) : null, namespace,
                previous, new LogOptions(follow, tail, null), timestamps);
    }

    private int print(AgentConfig config, String pod, String container, String namespace, boolean previous,
                      LogOptions options, boolean timestamps) {
        String where = "runtime " + config.runtime().flagName() + " at " + config.effectiveRuntimeEndpoint();
        ContainerRuntime runtime;
        try {
            runtime = opener.apply(config);
        } catch (IllegalArgumentException e) {
            err.println("static-pod-agent: logs: " + e.getMessage());
            return Commands.USAGE;
        }
        try (runtime) {
            if (!runtime.capabilities().logs() || runtime.logs().isEmpty()) {
                err.println("static-pod-agent: logs: " + where + " keeps no logs this agent can read; the runtimes"
                        + " with logs are docker (the Docker Engine API), ctr, containerd and cri");
                return Commands.PROBLEMS;
            }
            PodInstances pods = new PodInstances(config.nodeName(),
                    runtime.snapshot(Map.of(WellKnown.OWNER, config.nodeName())));
            PodKey key = pods.find(pod, namespace);
            String id = pods.instance(key, container, previous);
            try (LogReader reader = runtime.logs().get().open(id, options)) {
                for (LogReader.LogLine line; (line = reader.next()) != null; ) {
                    out.write(LogCopier.format(line, timestamps));
                    if (options.follow()) {
                        out.flush();
                    }
                }
            }
            out.flush();
            return Commands.OK;
        } catch (PodInstances.Problem e) {
            err.println("static-pod-agent: logs: " + e.getMessage());
            return Commands.PROBLEMS;
        } catch (RuntimeError.NotFound e) {
            err.println("static-pod-agent: logs: the log is gone (the container was removed): " + e.getMessage());
            return Commands.PROBLEMS;
        } catch (RuntimeError e) {
            err.println("static-pod-agent: logs: " + where + " failed: " + e.getMessage());
            return Commands.PROBLEMS;
        } catch (IOException e) {
            err.println("static-pod-agent: logs: reading the log failed: " + e.getMessage());
            return Commands.PROBLEMS;
        }
    }

    /** The daemon's configuration from these flags; no static pod path is needed to read logs. */
    private static AgentConfig config(List<String> flags) throws ConfigException {
        List<String> args = new ArrayList<>(flags);
        args.addAll(List.of("--pod-manifest-path", "/"));
        return ((ConfigLoader.Outcome.Run) ConfigLoader.load(args.toArray(String[]::new))).config();
    }
}
