package io.staticpod.agent.health;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class HealthServerTest {
    private HealthServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesEachPathExactlyAndTurnsAFailingHandlerIntoA500() throws Exception {
        server = new HealthServer("127.0.0.1", 0, Map.of(
                "/healthz", q -> HealthServer.Response.text(200, "ok"),
                "/boom", q -> {
                    throw new IllegalStateException("broken");
                }));
        server.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.port() > 0);

        assertThat(get("/healthz").body()).isEqualTo("ok");
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        assertThat(get("/healthzzz").statusCode()).isEqualTo(404);
        assertThat(get("/other").statusCode()).isEqualTo(404);
        HttpResponse<String> boom = get("/boom");
        assertThat(boom.statusCode()).isEqualTo(500);
        assertThat(boom.body()).contains("broken");
    }

    @Test
    void aPortInUseIsRetriedUntilItIsFree() throws Exception {
        HealthServer first = new HealthServer("127.0.0.1", 0, Map.of("/a", q -> HealthServer.Response.text(200, "a")));
        first.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> first.port() > 0);
        int port = first.port();
        server = new HealthServer("127.0.0.1", port, Map.of("/b", q -> HealthServer.Response.text(200, "b")));
        server.start();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> server.port() == -1);
        first.close();
        await().atMost(Duration.ofSeconds(HealthServer.RETRY_SECONDS + 5)).until(() -> server.port() == port);
        assertThat(get("/b").body()).isEqualTo("b");
    }
}
