package io.staticpod.agent;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LogSetupTest {
    private final PrintStream stderr = System.err;

    @AfterEach
    void restore() {
        System.setErr(stderr);
        System.clearProperty("spa.log.prefix");
        System.clearProperty("spa.log.level");
    }

    @Test
    void logbackFindsTheAgentsSetUpInTheJar() {
        assertThat(ServiceLoader.load(Configurator.class)).anyMatch(LogSetup.class::isInstance);
    }

    @Test
    void writesTimeLevelLoggerAndMessageToStandardError() {
        String out = logOneLine(null);
        assertThat(out).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO  Sample: "
                + "pod started\\n");
    }

    @Test
    void underSystemdTheTimeIsLeftToTheJournal() {
        String out = logOneLine("%-5level");
        assertThat(out).isEqualTo("INFO  Sample: pod started\n");
    }

    @Test
    void theRootLevelComesFromTheConfigurationAndChattyLibrariesAreQuieter() {
        System.setProperty("spa.log.level", "DEBUG");
        LoggerContext context = configured();
        assertThat(context.getLogger("io.staticpod").getEffectiveLevel()).isEqualTo(Level.DEBUG);
        assertThat(context.getLogger("org.apache.hc.client5.http.impl.classic").getEffectiveLevel())
                .isEqualTo(Level.WARN);
        assertThat(context.getLogger("io.fabric8.kubernetes.client.informers.impl.cache.Reflector")
                .getEffectiveLevel()).isEqualTo(Level.ERROR);
        System.setProperty("spa.log.level", "nonsense");
        assertThat(configured().getLogger("io.staticpod").getEffectiveLevel()).isEqualTo(Level.INFO);
    }

    private String logOneLine(String prefix) {
        if (prefix != null) {
            System.setProperty("spa.log.prefix", prefix);
        }
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        configured().getLogger("io.staticpod.agent.Sample").info("pod started");
        return captured.toString(StandardCharsets.UTF_8);
    }

    private static LoggerContext configured() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        LogSetup setup = new LogSetup();
        setup.setContext(context);
        assertThat(setup.configure(context)).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        return context;
    }
}
