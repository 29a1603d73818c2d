package io.staticpod.mirror.api;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.staticpod.mirror.ApiRequestListener;
import io.staticpod.mirror.MirrorClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Credentials from the kubeconfig (bearer token, client key, password) never reach a log line, an exception message
 * or a toString(), at any log level, whether the kubeconfig is good or broken.
 */
class CredentialHygieneTest {
    static final String TOKEN = "s3cr3t-token-7f3a";
    static final String KEY = "s3cr3t-key-91bd";
    static final String PASSWORD = "s3cr3t-password-c0de";

    @TempDir
    Path dir;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private Level level;

    @BeforeEach
    void captureEverything() {
        level = root.getLevel();
        root.setLevel(Level.TRACE);
        logs.start();
        root.addAppender(logs);
    }

    @AfterEach
    void restore() {
        root.detachAppender(logs);
        root.setLevel(level);
    }

    private String everythingLogged() {
        StringBuilder b = new StringBuilder();
        for (ILoggingEvent e : logs.list) {
            b.append(e.getFormattedMessage()).append('\n');
            for (var t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                b.append(t.getClassName()).append(": ").append(t.getMessage()).append('\n');
            }
        }
        return b.toString();
    }

    private Path kubeconfig(String user) throws Exception {
        return Files.writeString(dir.resolve("kubelet.conf"), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: c
                  cluster:
                    server: https://127.0.0.1:1
                    insecure-skip-tls-verify: true
                users:
                - name: u
                  user:
                %s
                contexts:
                - name: x
                  context: {cluster: c, user: u}
                current-context: x
                """.formatted(user.indent(4).stripTrailing()));
    }

    private static void assertNoSecret(String text) {
        assertThat(text).doesNotContain(TOKEN, KEY, PASSWORD, b64(KEY));
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes());
    }

    @Test
    void aTokenOrKeyFromTheKubeconfigIsInNoToStringAndNoLogLine() throws Exception {
        for (String user : new String[]{"token: " + TOKEN, "username: admin\npassword: " + PASSWORD,
                "client-certificate-data: " + b64("not a cert") + "\nclient-key-data: " + b64(KEY)}) {
            Path file = kubeconfig(user);
            Throwable failure = catchThrowable(() -> {
                // fabric8's Config prints the token in its toString(): it stays inside MirrorClients, never logged
                MirrorClients.config(file);
                MirrorClient client = MirrorClients.fromKubeconfig(file, Harness.FACTS,
                        Clock.systemUTC(), Timing.DEFAULT, ApiRequestListener.NONE,
                        io.staticpod.mirror.NodeReadiness.ALWAYS_READY);
                assertNoSecret(client.toString());
                client.close();
            });
            if (failure != null) {
                // a key that is not a key may fail the TLS set-up: that message must not carry it either
                assertNoSecret(String.valueOf(failure));
                for (Throwable t = failure.getCause(); t != null; t = t.getCause()) {
                    assertNoSecret(String.valueOf(t));
                }
            }
        }
        assertNoSecret(everythingLogged());
        assertThat(everythingLogged()).contains("skip TLS verification; ignored");
    }

    @Test
    void aBrokenKubeconfigIsReportedWithoutItsText() throws Exception {
        // a YAML error on the token's own line: parsers like to quote the line they stopped at
        Path file = kubeconfig("token: " + TOKEN + ": oops\n  bad: [");
        Throwable failure = catchThrowable(() -> MirrorClients.config(file));

        assertThat(failure).isInstanceOf(IllegalArgumentException.class).hasMessage(file
                + ": cannot read kubeconfig: mapping values are not allowed here (line 11, column 29)");
        for (Throwable t = failure; t != null; t = t.getCause()) {
            assertNoSecret(String.valueOf(t));
        }
        assertNoSecret(everythingLogged());
    }
}
