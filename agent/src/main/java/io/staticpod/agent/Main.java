package io.staticpod.agent;

import io.staticpod.agent.cli.Commands;
import io.staticpod.config.AgentConfig;
import io.staticpod.config.ConfigException;
import io.staticpod.config.ConfigLoader;

/** Parses the command line, sets up logging, and runs the agent. Only wires. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (Commands.handles(args)) { // validate, status, logs, version: the daemon stays the default
            System.setProperty("spa.log.level", "WARN");
            System.exit(Commands.run(args, System.out, System.err, config -> RuntimeAdapters.open(config).runtime()));
            return;
        }
        ConfigLoader.Outcome outcome;
        try {
            outcome = ConfigLoader.load(args);
        } catch (ConfigException e) {
            System.err.println("static-pod-agent: invalid configuration:");
            e.errors().forEach(error -> System.err.println("  " + error));
            System.exit(2);
            return;
        }
        if (outcome instanceof ConfigLoader.Outcome.Help help) {
            System.out.println(help.usage());
            return;
        }
        if (outcome instanceof ConfigLoader.Outcome.Version version) {
            System.out.println(version.version());
            return;
        }
        AgentConfig config = ((ConfigLoader.Outcome.Run) outcome).config();
        // before the first logger is created: logback reads these while configuring itself
        System.setProperty("spa.log.level", config.logLevel() == null ? "INFO" : config.logLevel());
        if (System.getenv("JOURNAL_STREAM") != null) {
            System.setProperty("spa.log.prefix", "%-5level");
        }
        try {
            new StaticPodAgent(config, args).run();
        } catch (IllegalArgumentException e) {
            System.err.println("static-pod-agent: invalid configuration:");
            System.err.println("  " + e.getMessage());
            System.exit(2);
        }
    }
}
