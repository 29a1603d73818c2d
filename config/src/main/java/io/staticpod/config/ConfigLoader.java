package io.staticpod.config;

/** Parses the command line and the config file it names into an {@link AgentConfig}. */
public final class ConfigLoader {
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
        throw new UnsupportedOperationException("to be implemented");
    }
}
