package io.staticpod.mirror.api.http;

import io.staticpod.mirror.ApiRequestListener;
import io.staticpod.mirror.api.Ticker;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * A {@link HttpClient} that hands every request to the one it wraps and reports it, when the answer's headers arrive
 * or the request fails, to an {@link ApiRequestListener}: verb and resource ({@link RequestLabels}), the time taken,
 * the HTTP status (0: no answer). WebSocket handshakes (fabric8's watches) are requests too. Cancelling a request's
 * future cancels the wrapped client's request. Everything else is the wrapped client's. Thread-safe.
 */
final class MeteredHttpClient extends HttpClient {
    private final HttpClient delegate;
    private final ApiRequestListener listener;
    private final Ticker ticker;

    MeteredHttpClient(HttpClient delegate, ApiRequestListener listener, Ticker ticker) {
        this.delegate = delegate;
        this.listener = listener;
        this.ticker = ticker;
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        long start = ticker.nanos();
        int code = 0;
        try {
            HttpResponse<T> response = delegate.send(request, handler);
            code = response.statusCode();
            return response;
        } finally {
            report(request.method(), request.uri(), start, code);
        }
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        long start = ticker.nanos();
        return reported(delegate.sendAsync(request, handler), (r, t) -> report(request.method(), request.uri(), start,
                r == null ? 0 : r.statusCode()));
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                                            HttpResponse.PushPromiseHandler<T> push) {
        long start = ticker.nanos();
        return reported(delegate.sendAsync(request, handler, push), (r, t) -> report(request.method(), request.uri(),
                start, r == null ? 0 : r.statusCode()));
    }

    /** {@code source}'s outcome, reported first; cancelling the result cancels {@code source}. */
    private static <V> CompletableFuture<V> reported(CompletableFuture<V> source, BiConsumer<V, Throwable> report) {
        CompletableFuture<V> result = new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                source.cancel(mayInterruptIfRunning);
                return super.cancel(mayInterruptIfRunning);
            }
        };
        source.whenComplete((value, failure) -> {
            report.accept(value, failure);
            if (failure != null) {
                result.completeExceptionally(failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure);
            } else {
                result.complete(value);
            }
        });
        return result;
    }

    private void report(String method, URI uri, long start, int code) {
        RequestLabels labels = RequestLabels.of(method, uri);
        try {
            listener.apiRequest(labels.verb(), labels.resource(), Duration.ofNanos(ticker.nanos() - start), code);
        } catch (RuntimeException e) {
            // a listener must not throw; if it does, the request is not the one to suffer for it
        }
    }

    @Override
    public WebSocket.Builder newWebSocketBuilder() {
        return new MeteredWebSocketBuilder(delegate.newWebSocketBuilder());
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
        return delegate.cookieHandler();
    }

    @Override
    public Optional<Duration> connectTimeout() {
        return delegate.connectTimeout();
    }

    @Override
    public Redirect followRedirects() {
        return delegate.followRedirects();
    }

    @Override
    public Optional<ProxySelector> proxy() {
        return delegate.proxy();
    }

    @Override
    public SSLContext sslContext() {
        return delegate.sslContext();
    }

    @Override
    public SSLParameters sslParameters() {
        return delegate.sslParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
        return delegate.authenticator();
    }

    @Override
    public Version version() {
        return delegate.version();
    }

    @Override
    public Optional<Executor> executor() {
        return delegate.executor();
    }

    /** A WebSocket handshake is a GET of its URI: reported when it completes or fails. */
    private final class MeteredWebSocketBuilder implements WebSocket.Builder {
        private final WebSocket.Builder builder;

        MeteredWebSocketBuilder(WebSocket.Builder builder) {
            this.builder = builder;
        }

        @Override
        public WebSocket.Builder header(String name, String value) {
            builder.header(name, value);
            return this;
        }

        @Override
        public WebSocket.Builder connectTimeout(Duration timeout) {
            builder.connectTimeout(timeout);
            return this;
        }

        @Override
        public WebSocket.Builder subprotocols(String most, String... lesser) {
            builder.subprotocols(most, lesser);
            return this;
        }

        @Override
        public CompletableFuture<WebSocket> buildAsync(URI uri, WebSocket.Listener l) {
            long start = ticker.nanos();
            return reported(builder.buildAsync(uri, l), (ws, failure) -> report("GET", uri, start,
                    ws != null ? 101 : handshakeCode(failure)));
        }

        private int handshakeCode(Throwable failure) {
            Throwable t = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            return t instanceof WebSocketHandshakeException h ? h.getResponse().statusCode() : 0;
        }
    }

    /** Builds the wrapped client and wraps it; every setting goes to the wrapped builder. */
    static final class Builder implements HttpClient.Builder {
        private final HttpClient.Builder builder;
        private final ApiRequestListener listener;
        private final Ticker ticker;

        Builder(HttpClient.Builder builder, ApiRequestListener listener, Ticker ticker) {
            this.builder = builder;
            this.listener = listener;
            this.ticker = ticker;
        }

        @Override
        public HttpClient build() {
            return new MeteredHttpClient(builder.build(), listener, ticker);
        }

        @Override
        public HttpClient.Builder cookieHandler(CookieHandler handler) {
            builder.cookieHandler(handler);
            return this;
        }

        @Override
        public HttpClient.Builder connectTimeout(Duration duration) {
            builder.connectTimeout(duration);
            return this;
        }

        @Override
        public HttpClient.Builder sslContext(SSLContext context) {
            builder.sslContext(context);
            return this;
        }

        @Override
        public HttpClient.Builder sslParameters(SSLParameters parameters) {
            builder.sslParameters(parameters);
            return this;
        }

        @Override
        public HttpClient.Builder executor(Executor executor) {
            builder.executor(executor);
            return this;
        }

        @Override
        public HttpClient.Builder followRedirects(Redirect policy) {
            builder.followRedirects(policy);
            return this;
        }

        @Override
        public HttpClient.Builder version(Version version) {
            builder.version(version);
            return this;
        }

        @Override
        public HttpClient.Builder priority(int priority) {
            builder.priority(priority);
            return this;
        }

        @Override
        public HttpClient.Builder proxy(ProxySelector selector) {
            builder.proxy(selector);
            return this;
        }

        @Override
        public HttpClient.Builder authenticator(Authenticator authenticator) {
            builder.authenticator(authenticator);
            return this;
        }
    }
}
