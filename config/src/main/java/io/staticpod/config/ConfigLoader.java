package io.staticpod.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * Parses the command line and the config file it names into an {@link AgentConfig}.
 *
 * <p>Precedence: flag, then the {@code --config} file, then the default. Every problem (unknown flag, bad value,
 * bad file field, missing static pod path) is collected and thrown together in one {@link ConfigException}.
 */
public final class ConfigLoader {
    static final String DEFAULT_PAUSE_IMAGE = "registry.k8s.io/pause:3.10";
    static final String DEFAULT_ROOT_DIR = "/var/lib/static-pod-agent";
    static final Duration DEFAULT_FILE_CHECK_FREQUENCY = Duration.ofSeconds(20);
    static final Duration DEFAULT_SYNC_FREQUENCY = Duration.ofMinutes(1);
    static final String DEFAULT_HEALTHZ_BIND_ADDRESS = "127.0.0.1";
    static final int DEFAULT_HEALTHZ_PORT = 10248;

    private ConfigLoader() {
    }

    /** What the command line asked for. */
    public sealed interface Outcome permits Outcome.Run, Outcome.Help, Outcome.Version {
        /** Run the agent with this configuration. */
        record Run(AgentConfig config) implements Outcome {
        }

        /** {@code --help}: print this usage text and exit 0. */
        record Help(String usage) implements Outcome {
        }

        /** {@code --version}: print this and exit 0. */
        record Version(String version) implements Outcome {
        }
    }

    /** @throws ConfigException listing every error at once */
    public static Outcome load(String... args) throws ConfigException {
        return load(HostNames::local, args);
    }

    /** The agent's version as {@code --version} prints it (without the program name), or "dev". */
    public static String version() {
        return Versions.current();
    }

    /** As {@link #load(String...)}, with the host name (used without {@code --hostname-override}) supplied. */
    static Outcome load(Supplier<String> hostName, String... args) throws ConfigException {
        Flags flags = new Flags();
        CommandLine commandLine = commandLine(flags);
        try {
            commandLine.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new ConfigException(List.of(e.getMessage() + "; run static-pod-agent --help for the flags"));
        }
        if (commandLine.isUsageHelpRequested()) {
            return new Outcome.Help(commandLine.getUsageMessage(CommandLine.Help.Ansi.OFF));
        }
        if (commandLine.isVersionHelpRequested()) {
            return new Outcome.Version("static-pod-agent " + Versions.current());
        }

        List<String> errors = new ArrayList<>();
        unmatched(commandLine, errors);
        KubeletConfigFile file = flags.config == null || flags.config.isBlank()
                ? KubeletConfigFile.NONE
                : KubeletConfigFile.read(Precedence.absolute(flags.config), errors);
        Precedence p = new Precedence(errors);

        Path staticPodPath = p.pickNonBlank("--pod-manifest-path", flags.podManifestPath, Precedence.PATH,
                file.staticPodPath());
        // an unreadable file has already been reported; its staticPodPath is unknown, not missing
        if (staticPodPath == null && file != KubeletConfigFile.UNREADABLE) {
            errors.add("no static pod path: set staticPodPath in --config FILE or pass --pod-manifest-path DIR");
        }

        Duration fileCheckFrequency = p.pick("--file-check-frequency", flags.fileCheckFrequency, Values::frequency,
                file.fileCheckFrequency(), DEFAULT_FILE_CHECK_FREQUENCY);
        Duration syncFrequency = p.pick("--sync-frequency", flags.syncFrequency, Values::frequency,
                file.syncFrequency(), DEFAULT_SYNC_FREQUENCY);

        String nodeName = nodeName(flags.hostnameOverride, hostName, errors);

        AgentConfig.RuntimeKind runtime = p.pick("--runtime", flags.runtime, Values::runtime, file.runtime(),
                AgentConfig.RuntimeKind.DOCKER);
        String podInfraContainerImage = p.pickNonBlank("--pod-infra-container-image", flags.podInfraContainerImage,
                Precedence.Check.always(String::trim), file.podInfraContainerImage(), DEFAULT_PAUSE_IMAGE);
        Path rootDir = p.pickNonBlank("--root-dir", flags.rootDir, Precedence.PATH, file.rootDir(),
                Path.of(DEFAULT_ROOT_DIR));
        String healthzBindAddress = p.pick("--healthz-bind-address", flags.healthzBindAddress, Values::ipAddress,
                file.healthzBindAddress(), DEFAULT_HEALTHZ_BIND_ADDRESS);
        Integer healthzPort = p.pick("--healthz-port", flags.healthzPort, Values::port, file.healthzPort(),
                DEFAULT_HEALTHZ_PORT);
        Path kubeconfig = p.pickNonBlank("--kubeconfig", flags.kubeconfig, Precedence.PATH, null);

        // --log-level is the more specific of the two, so it wins over --v (both are checked)
        String fromVerbosity = flags.verbosity == null ? null : Values.verbosity("--v", flags.verbosity, errors);
        String fromLogLevel = flags.logLevel == null ? null : Values.logLevel("--log-level", flags.logLevel, errors);
        String logLevel = flags.logLevel != null ? fromLogLevel
                : flags.verbosity != null ? fromVerbosity
                : orElse(file.logLevel(), "INFO");

        Set<String> ignored = new TreeSet<>(file.ignoredFields());
        java.util.Map<String, String> nodeLabels = new java.util.LinkedHashMap<>();
        if (flags.nodeLabels != null) {
            Values.labels("--node-labels", flags.nodeLabels, errors);
            for (String pair : flags.nodeLabels.split(",")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    nodeLabels.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
                }
            }
        }
        String runtimeEndpoint = p.pickNonBlank("--container-runtime-endpoint", flags.containerRuntimeEndpoint,
                Values::endpoint, file.runtimeEndpoint());
        Boolean strict = p.pick("--strict-manifest-permissions", flags.strictManifestPermissions, Values::bool,
                file.strictManifestPermissions());
        if (flags.bootstrapKubeconfig != null) {
            ignored.add("--bootstrap-kubeconfig");
        }
        NodeApiConfig nodeApi = NodeApiSettings.merge(flags.nodeApi, file.nodeApi(), errors);

        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return new Outcome.Run(new AgentConfig(staticPodPath, fileCheckFrequency, syncFrequency, nodeName, runtime,
                podInfraContainerImage, rootDir, healthzBindAddress, healthzPort, kubeconfig, logLevel,
                List.copyOf(ignored), nodeLabels, runtimeEndpoint, Boolean.TRUE.equals(strict), file.dockerCli(),
                nodeApi, file.containerLogs()));
    }

    /** The picocli command for {@link Flags}, tolerant of unknown flags so they can be reported with the rest. */
    private static CommandLine commandLine(Flags flags) {
        CommandLine commandLine = new CommandLine(flags);
        commandLine.setUnmatchedArgumentsAllowed(true);
        // as with the kubelet's flags, the last of a repeated flag wins
        commandLine.setOverwrittenOptionsAllowed(true);
        // an argument starting with @ is a value here, never a file of arguments to read
        commandLine.setExpandAtFiles(false);
        return commandLine;
    }

    private static void unmatched(CommandLine commandLine, List<String> errors) {
        List<String> unmatched = commandLine.getUnmatchedArguments();
        Set<String> flagNames = new TreeSet<>();
        for (CommandLine.Model.OptionSpec option : commandLine.getCommandSpec().options()) {
            for (String name : option.names()) {
                if (name.startsWith("--")) {
                    flagNames.add(name);
                }
            }
        }
        for (int i = 0; i < unmatched.size(); i++) {
            String arg = unmatched.get(i);
            if (arg.startsWith("-")) {
                String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
                String hint = Names.nearest(name, flagNames)
                        .map(n -> "did you mean " + n + "?")
                        .orElse("run static-pod-agent --help for the flags");
                errors.add("unknown flag " + name + "; " + hint);
                // "--unknown value": the value belongs to the unknown flag, one error is enough
                if (!arg.contains("=") && i + 1 < unmatched.size() && !unmatched.get(i + 1).startsWith("-")) {
                    i++;
                }
            } else {
                errors.add("unexpected argument " + Values.quote(arg)
                        + "; the agent takes only flags (the manifest directory is --pod-manifest-path DIR)");
            }
        }
    }

    private static String nodeName(String override, Supplier<String> hostName, List<String> errors) {
        if (override != null && !override.isBlank()) {
            return Values.nodeName("--hostname-override", override, errors);
        }
        String host = hostName.get();
        if (host == null || host.isBlank()) {
            errors.add("--hostname-override: this host's name could not be found; pass --hostname-override NAME");
            return null;
        }
        return Values.nodeName("host name (pass --hostname-override NAME to choose another)", host, errors);
    }

    private static <T> T orElse(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
