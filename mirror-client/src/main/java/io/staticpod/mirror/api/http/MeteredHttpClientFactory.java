package io.staticpod.mirror.api.http;

import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.staticpod.mirror.ApiRequestListener;
import io.staticpod.mirror.api.Ticker;

import java.net.http.HttpClient;
import java.util.Objects;

/**
 * fabric8's JDK HTTP client, with every request it sends reported to an {@link ApiRequestListener}: requests of the
 * fabric8 DSL, of its informers (list, watch), and raw ones alike, answered or not.
 *
 * <p>Why not fabric8's {@code Interceptor}: it hears of a request that got an answer, but of one that got none
 * (refused, reset, timed out) only when fabric8 retries inside the request, which this client turns off; the
 * {@link HttpClient} underneath sees both.
 */
public final class MeteredHttpClientFactory extends JdkHttpClientFactory {
    private final ApiRequestListener listener;
    private final Ticker ticker;

    /** @param ticker measures each request's duration */
    public MeteredHttpClientFactory(ApiRequestListener listener, Ticker ticker) {
        this.listener = Objects.requireNonNull(listener, "listener");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
    }

    @Override
    protected HttpClient.Builder createNewHttpClientBuilder() {
        return new MeteredHttpClient.Builder(super.createNewHttpClientBuilder(), listener, ticker);
    }
}
