package io.staticpod.agent.reload;

import ch.qos.logback.classic.Level;
import io.staticpod.config.AgentConfig;
import io.staticpod.config.ConfigException;
import io.staticpod.config.ConfigLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * SIGHUP: reads the command line and its {@code --config} file again (flags still win) and applies what is safe to
 * change in a running agent: the log level and {@code fileCheckFrequency}. Everything else (the static pod path, the
 * node name, the runtime, the sandbox image, the root dir, the kubeconfig, the health address, syncFrequency) takes
 * a restart ({@code systemctl restart static-pod-agent}: pods keep running across it) and is named in a WARN line.
 * A file that no longer loads changes nothing and is reported with every error.
 *
 * <p>The signal is caught with {@code sun.misc.Signal} (module {@code jdk.unsupported}, present in every OpenJDK
 * 17 runtime): the JDK has no supported API for SIGHUP. Without it (another JVM) SIGHUP ends the JVM as before
 * and the agent says so at startup.
 */
public final class ConfigReloader {
    private static final Logger log = LoggerFactory.getLogger(ConfigReloader.class);

    private final String[] args;
    private final Consumer<Duration> fileCheckFrequency;
    private final Consumer<Boolean> strictManifestPermissions;
    private AgentConfig current;

    /**
     * @param fileCheckFrequency        applies a new re-list period
     * @param strictManifestPermissions applies strict mode on or off (and re-reads the manifests)
     */
    public ConfigReloader(String[] args, AgentConfig current, Consumer<Duration> fileCheckFrequency,
                          Consumer<Boolean> strictManifestPermissions) {
        this.args = args.clone();
        this.current = current;
        this.fileCheckFrequency = fileCheckFrequency;
        this.strictManifestPermissions = strictManifestPermissions;
    }

    /** Reloads on every SIGHUP. */
    public void install() {
        try {
            sun.misc.SignalHandler before = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> reload());
            if (before == sun.misc.SignalHandler.SIG_IGN) {
                // started with SIGHUP ignored (nohup, a parent's SIG_IGN): the JVM leaves it ignored
                log.warn("SIGHUP is ignored by how the agent was started (nohup?): it cannot reload its "
                        + "configuration; restart it to change the configuration, or start it without ignoring SIGHUP");
            }
        } catch (IllegalArgumentException | UnsatisfiedLinkError | NoClassDefFoundError e) {
            log.warn("SIGHUP cannot be caught here; restart the agent to change its configuration error={}",
                    e.toString());
        }
    }

    /** Reads the configuration again and applies what can be applied. Serialized: one reload at a time. */
    public synchronized void reload() {
        AgentConfig next;
        try {
            ConfigLoader.Outcome outcome = ConfigLoader.load(args);
            if (!(outcome instanceof ConfigLoader.Outcome.Run run)) {
                return;
            }
            next = run.config();
        } catch (ConfigException e) {
            log.error("Config reload failed; the running configuration is kept errors={}\n  {}", e.errors().size(),
                    String.join("\n  ", e.errors()));
            return;
        }
        List<String> applied = new ArrayList<>();
        if (!Objects.equals(next.logLevel(), current.logLevel())) {
            Level level = Level.toLevel(next.logLevel(), Level.INFO);
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(level);
            applied.add("logLevel=" + level);
        }
        if (!next.fileCheckFrequency().equals(current.fileCheckFrequency())) {
            fileCheckFrequency.accept(next.fileCheckFrequency());
            applied.add("fileCheckFrequency=" + next.fileCheckFrequency().toSeconds() + "s");
        }
        if (next.strictManifestPermissions() != current.strictManifestPermissions()) {
            strictManifestPermissions.accept(next.strictManifestPermissions());
            applied.add("strictManifestPermissions=" + next.strictManifestPermissions());
        }
        List<String> needRestart = new ArrayList<>();
        differs(needRestart, "staticPodPath", next, AgentConfig::staticPodPath);
        differs(needRestart, "nodeName", next, AgentConfig::nodeName);
        differs(needRestart, "runtime", next, AgentConfig::runtime);
        differs(needRestart, "podInfraContainerImage", next, AgentConfig::podInfraContainerImage);
        differs(needRestart, "rootDir", next, AgentConfig::rootDir);
        differs(needRestart, "kubeconfig", next, AgentConfig::kubeconfig);
        differs(needRestart, "healthzBindAddress", next, AgentConfig::healthzBindAddress);
        differs(needRestart, "healthzPort", next, AgentConfig::healthzPort);
        differs(needRestart, "syncFrequency", next, AgentConfig::syncFrequency);
        differs(needRestart, "nodeLabels", next, AgentConfig::nodeLabels);
        differs(needRestart, "containerRuntimeEndpoint", next, AgentConfig::runtimeEndpoint);
        differs(needRestart, "dockerCli", next, AgentConfig::dockerCli);
        differs(needRestart, "nodeApi", next, AgentConfig::nodeApi);
        // what was applied is now current; what was not stays as it runs, so that it is named again next time
        current = new AgentConfig(current.staticPodPath(), next.fileCheckFrequency(), current.syncFrequency(),
                current.nodeName(), current.runtime(), current.podInfraContainerImage(), current.rootDir(),
                current.healthzBindAddress(), current.healthzPort(), current.kubeconfig(), next.logLevel(),
                current.ignoredFields(), current.nodeLabels(), current.runtimeEndpoint(),
                next.strictManifestPermissions(), current.dockerCli(), current.nodeApi(), current.containerLogs());
        log.info("Config reloaded on SIGHUP applied={}", applied.isEmpty() ? "nothing changed" : applied);
        if (!needRestart.isEmpty()) {
            log.warn("Config changes not applied: they take a restart of the agent (static pods keep running across "
                    + "it) changed={}", needRestart);
        }
    }

    private void differs(List<String> out, String name, AgentConfig next, Function<AgentConfig, Object> field) {
        Object now = field.apply(current);
        Object then = field.apply(next);
        if (!Objects.equals(now, then)) {
            out.add(name + ": " + now + " -> " + then);
        }
    }
}
