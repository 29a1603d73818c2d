package io.staticpod.agent;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.testing.FakeContainerRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class SandboxImageCheckTest {
    private static final String PAUSE = "registry.k8s.io/pause:3.6";
    private final FakeContainerRuntime runtime = new FakeContainerRuntime();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(SandboxImageCheck.class);

    @BeforeEach
    void capture() {
        logs.start();
        logger.addAppender(logs);
        logger.setLevel(Level.INFO);
    }

    @AfterEach
    void release() {
        logger.detachAppender(logs);
    }

    @Test
    void aMissingSandboxImageIsOneErrorNamingContainerdsSetting() {
        SandboxImageCheck.Outcome outcome = check("containerd", () -> Optional.of(PAUSE));

        assertThat(outcome).isEqualTo(SandboxImageCheck.Outcome.MISSING);
        assertThat(logs.list).singleElement().satisfies(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.ERROR);
            assertThat(e.getFormattedMessage()).contains("image=" + PAUSE)
                    .contains("sandbox_image in [plugins.\"io.containerd.grpc.v1.cri\"] of containerd's config.toml");
        });
    }

    @Test
    void aPresentSandboxImageIsOneInfoLine() {
        runtime.addImage(PAUSE);

        assertThat(check("containerd", () -> Optional.of(PAUSE))).isEqualTo(SandboxImageCheck.Outcome.PRESENT);
        assertThat(logs.list).singleElement().extracting(ILoggingEvent::getLevel).isEqualTo(Level.INFO);
    }

    @Test
    void aRuntimeThatDoesNotSayIsNotChecked() {
        assertThat(check("cri-o", Optional::empty)).isEqualTo(SandboxImageCheck.Outcome.NOT_SAID);
        assertThat(logs.list).singleElement().extracting(ILoggingEvent::getLevel).isEqualTo(Level.INFO);
    }

    @Test
    void aRuntimeThatCannotBeAskedIsAskedAgainLaterAndNothingIsLogged() {
        assertThat(check("containerd", () -> {
            throw new RuntimeError.Unavailable("connection refused", null);
        })).isEqualTo(SandboxImageCheck.Outcome.UNREACHABLE);
        runtime.down("stopped");
        assertThat(check("containerd", () -> Optional.of(PAUSE))).isEqualTo(SandboxImageCheck.Outcome.UNREACHABLE);
        assertThat(logs.list).isEmpty();
    }

    private SandboxImageCheck.Outcome check(String name, java.util.concurrent.Callable<Optional<String>> configured) {
        return new SandboxImageCheck(name, configured, runtime.images()).check();
    }
}
