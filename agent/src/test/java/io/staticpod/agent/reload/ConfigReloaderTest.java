package io.staticpod.agent.reload;

import ch.qos.logback.classic.Level;
import io.staticpod.config.AgentConfig;
import io.staticpod.config.ConfigLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigReloaderTest {
    @TempDir
    Path dir;
    private final ch.qos.logback.classic.Logger root =
            (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    private final Level before = root.getLevel();

    @AfterEach
    void restore() {
        root.setLevel(before);
    }

    private void config(String frequency, String level, String path) throws Exception {
        config(frequency, level, path, false);
    }

    private void config(String frequency, String level, String path, boolean strict) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                apiVersion: kubelet.config.k8s.io/v1beta1
                kind: KubeletConfiguration
                staticPodPath: %s
                fileCheckFrequency: %s
                staticPodAgent:
                  logLevel: %s
                  strictManifestPermissions: %s
                """.formatted(path, frequency, level, strict));
    }

    @Test
    void appliesLogLevelAndFileCheckFrequencyAndKeepsTheRest() throws Exception {
        config("20s", "INFO", "/etc/kubernetes/manifests");
        String[] args = {"--config", dir.resolve("config.yaml").toString(), "--hostname-override", "n1"};
        AgentConfig current = ((ConfigLoader.Outcome.Run) ConfigLoader.load(args)).config();
        List<Duration> applied = new ArrayList<>();
        List<Boolean> strict = new ArrayList<>();
        ConfigReloader reloader = new ConfigReloader(args, current, applied::add, strict::add);

        config("5s", "DEBUG", "/srv/manifests");
        reloader.reload();

        assertThat(applied).containsExactly(Duration.ofSeconds(5));
        assertThat(root.getLevel()).isEqualTo(Level.DEBUG);

        reloader.reload(); // nothing new
        assertThat(applied).hasSize(1);

        Files.writeString(dir.resolve("config.yaml"), "staticPodPth: [");
        reloader.reload(); // a broken file changes nothing
        assertThat(applied).hasSize(1);
        assertThat(root.getLevel()).isEqualTo(Level.DEBUG);
    }

    @Test
    void appliesStrictManifestPermissionsOnceAndKeepsItApplied() throws Exception {
        config("20s", "INFO", "/etc/kubernetes/manifests");
        String[] args = {"--config", dir.resolve("config.yaml").toString(), "--hostname-override", "n1"};
        AgentConfig current = ((ConfigLoader.Outcome.Run) ConfigLoader.load(args)).config();
        List<Boolean> strict = new ArrayList<>();
        ConfigReloader reloader = new ConfigReloader(args, current, d -> { }, strict::add);

        config("20s", "INFO", "/etc/kubernetes/manifests", true);
        reloader.reload();
        reloader.reload();
        config("20s", "INFO", "/etc/kubernetes/manifests", false);
        reloader.reload();

        assertThat(strict).containsExactly(true, false);
    }
}
