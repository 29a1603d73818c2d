package io.staticpod.runtime.docker.api;

import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.DefaultHttpRequestRetryStrategy;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.DefaultHttpClientConnectionOperator;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.io.DefaultBHttpClientConnection;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/1.1 to the Docker engine over its UNIX socket: Apache HttpClient 5 (classic API, pooled keep-alive
 * connections) on {@link UnixSocket}s. The HTTP protocol is HttpClient's; this class only sets deadlines and reads
 * bodies.
 *
 * <p><b>Deadlines.</b> Every {@link #call} ends by its deadline whatever the engine does: the wait for a pooled
 * connection, the connect and every read and write are bounded by the time left, and a watchdog (one daemon thread
 * for all calls, {@value #WATCHDOG_THREAD}) cancels the request when the deadline passes, which closes its socket and
 * wakes its thread ({@link UnixSocket#close()}). A stream ({@link #open}) has a deadline for its answer's head only;
 * after that it is read without limit until closed. Failures are {@link java.io.IOException}s for
 * {@link ApiErrors#transport} to type; {@link TimedOutException} marks a deadline.
 *
 * <p><b>Connections.</b> At most {@value #MAX_CONNECTIONS} connections for calls, and a separate pool of at most
 * {@value #MAX_STREAMS} for streams (events, followed logs), so that long-lived streams never hold calls up. Idle
 * connections are checked before reuse after a second (a restarted engine leaves dead ones) and closed after a
 * minute. An idempotent request that finds its pooled connection dead is retried once at once.
 */
final class DockerHttp implements AutoCloseable {

    static final int MAX_CONNECTIONS = 32;
    static final int MAX_STREAMS = 64;
    static final String WATCHDOG_THREAD = "docker-api-deadlines";
    /** The most of an answer's body read into memory (a list of thousands of containers is a few MiB). */
    static final int MAX_BODY = 64 << 20;

    /** A call's deadline passed. */
    static final class TimedOutException extends IOException {
        TimedOutException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** An answer read in full. */
    record Answer(int status, byte[] body, String apiVersion) {
    }

    /** An answer whose body is read as it comes; closing it closes its connection. */
    static final class Stream implements AutoCloseable {
        private final HttpUriRequestBase request;
        private final ClassicHttpResponse response;
        final int status;
        final InputStream body;

        private Stream(HttpUriRequestBase request, ClassicHttpResponse response, InputStream body) {
            this.request = request;
            this.response = response;
            this.status = response.getCode();
            this.body = body;
        }

        /** Ends the stream at once, also while another thread reads it. */
        void cancel() {
            request.cancel();
            try {
                response.close();
            } catch (IOException ignored) {
                // the connection is gone either way: the request was cancelled first
            }
        }

        @Override
        public void close() {
            cancel();
        }
    }

    private final Path socket;
    private final CloseableHttpClient calls;
    private final CloseableHttpClient streams;
    private final ScheduledExecutorService watchdog;

    DockerHttp(Path socket) {
        this.socket = socket;
        this.calls = client(socket, MAX_CONNECTIONS);
        this.streams = client(socket, MAX_STREAMS);
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, WATCHDOG_THREAD);
            t.setDaemon(true);
            return t;
        });
    }

    private static CloseableHttpClient client(Path socket, int connections) {
        DnsResolver noLookup = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) {
                return new InetAddress[]{InetAddress.getLoopbackAddress()};
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host;
            }
        };
        DefaultHttpClientConnectionOperator operator = new DefaultHttpClientConnectionOperator(
                proxy -> new UnixSocket(socket), null, noLookup, name -> null);
        PoolingHttpClientConnectionManager pool = new PoolingHttpClientConnectionManager(operator,
                PoolConcurrencyPolicy.STRICT, PoolReusePolicy.LIFO, TimeValue.ofMinutes(1), null);
        pool.setMaxTotal(connections);
        pool.setDefaultMaxPerRoute(connections);
        pool.setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(Timeout.ofSeconds(10))
                .setValidateAfterInactivity(TimeValue.ofSeconds(1)).setTimeToLive(TimeValue.ofMinutes(1)).build());
        return HttpClients.custom().setConnectionManager(pool)
                .setRetryStrategy(new DefaultHttpRequestRetryStrategy(1, TimeValue.ZERO_MILLISECONDS))
                .disableRedirectHandling().disableCookieManagement().disableAuthCaching()
                .disableContentCompression().disableDefaultUserAgent().build();
    }

    /** Sends a request and reads its whole answer, within {@code deadline}. */
    Answer call(String method, String pathAndQuery, byte[] json, Duration deadline) throws IOException {
        long end = System.nanoTime() + deadline.toNanos();
        HttpUriRequestBase request = request(method, pathAndQuery, json, deadline);
        ScheduledFuture<?> timer = watchdog.schedule(request::cancel, deadline.toNanos(), TimeUnit.NANOSECONDS);
        try {
            return calls.execute(request, response -> {
                byte[] body = read(response.getEntity(), end);
                Header version = response.getFirstHeader("Api-Version");
                return new Answer(response.getCode(), body, version == null ? null : version.getValue());
            });
        } catch (IOException e) {
            throw System.nanoTime() - end >= 0 || request.isCancelled()
                    ? new TimedOutException("no answer within " + deadline, e) : e;
        } finally {
            timer.cancel(false);
        }
    }

    /**
     * Sends a request and returns its answer once its head has arrived (within {@code deadline}); the body is read
     * by the caller, without a deadline, until it ends or the stream is closed.
     */
    Stream open(String method, String pathAndQuery, byte[] json, Duration deadline) throws IOException {
        HttpUriRequestBase request = request(method, pathAndQuery, json, deadline);
        // the head within the deadline; then reads wait as long as the stream is quiet
        request.setConfig(RequestConfig.copy(request.getConfig()).setResponseTimeout(Timeout.DISABLED).build());
        ScheduledFuture<?> timer = watchdog.schedule(request::cancel, deadline.toNanos(), TimeUnit.NANOSECONDS);
        ClassicHttpResponse response;
        try {
            response = streams.executeOpen(null, request, null);
        } catch (IOException e) {
            throw request.isCancelled() ? new TimedOutException("no answer within " + deadline, e) : e;
        } finally {
            timer.cancel(false);
        }
        if (request.isCancelled()) {
            response.close();
            throw new TimedOutException("no answer within " + deadline, null);
        }
        HttpEntity entity = response.getEntity();
        return new Stream(request, response, entity == null ? InputStream.nullInputStream() : entity.getContent());
    }

    /**
     * A connection taken over by the engine after {@code 101} (Docker's "hijacked" exec and attach): the command's
     * output to read, its input to write (one thread each), closing ends both.
     */
    static final class Hijacked implements AutoCloseable {
        private final java.net.Socket socket;
        final InputStream in;
        final java.io.OutputStream out;

        private Hijacked(java.net.Socket socket, InputStream in, java.io.OutputStream out) {
            this.socket = socket;
            this.in = in;
            this.out = out;
        }

        /** The end of the input (the command reads end-of-file); the output goes on. */
        void closeInput() throws IOException {
            out.flush();
            socket.shutdownOutput();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closed either way
            }
        }
    }

    /**
     * Sends {@code POST pathAndQuery} with {@code Connection: Upgrade} and {@code Upgrade: tcp} on a connection of its
     * own, and once the engine has answered {@code 101} (within {@code deadline}), hands the connection over: bytes
     * the engine sent after its answer's head come first on {@link Hijacked#in}. HttpCore's HTTP/1.1 connection
     * writes the request and reads the answer; reads then wait without a deadline.
     *
     * @return the connection, or null with {@code refused} holding the engine's answer when it did not switch
     */
    Hijacked hijack(String pathAndQuery, byte[] json, Duration deadline, Answer[] refused) throws IOException {
        UnixSocket s = new UnixSocket(socket);
        ScheduledFuture<?> timer = watchdog.schedule(s::close, deadline.toNanos(), TimeUnit.NANOSECONDS);
        try {
            s.connect(null);
            s.setSoTimeout((int) Math.max(1, deadline.toMillis()));
            DefaultBHttpClientConnection conn = new DefaultBHttpClientConnection(Http1Config.DEFAULT);
            conn.bind(s);
            BasicClassicHttpRequest request = new BasicClassicHttpRequest("POST", pathAndQuery);
            request.setHeader("Host", "docker");
            request.setHeader("Connection", "Upgrade");
            request.setHeader("Upgrade", "tcp");
            request.setEntity(new ByteArrayEntity(json, ContentType.APPLICATION_JSON));
            request.setHeader("Content-Type", ContentType.APPLICATION_JSON.toString());
            request.setHeader("Content-Length", Integer.toString(json.length));
            conn.sendRequestHeader(request);
            conn.sendRequestEntity(request);
            conn.flush();
            ClassicHttpResponse response = conn.receiveResponseHeader();
            conn.receiveResponseEntity(response);
            HttpEntity entity = response.getEntity();
            InputStream body = entity == null ? InputStream.nullInputStream() : entity.getContent();
            if (response.getCode() != 101) {
                refused[0] = new Answer(response.getCode(), body.readNBytes(64 << 10), null);
                s.close();
                return null;
            }
            s.setSoTimeout(0);
            timer.cancel(false);
            return new Hijacked(s, body, s.getOutputStream());
        } catch (org.apache.hc.core5.http.HttpException e) {
            s.close();
            throw new IOException("the engine's answer to an upgrade is not HTTP: " + e.getMessage(), e);
        } catch (IOException e) {
            s.close();
            if (timer.isDone() && !timer.isCancelled()) { // the watchdog closed the socket
                throw new TimedOutException("no answer within " + deadline, e);
            }
            throw e;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        } finally {
            timer.cancel(false);
        }
    }

    /** Runs {@code task} on the watchdog's thread after {@code delay} (it must not block). */
    ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        return watchdog.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static HttpUriRequestBase request(String method, String pathAndQuery, byte[] json, Duration deadline) {
        HttpUriRequestBase request = new HttpUriRequestBase(method, URI.create("http://docker" + pathAndQuery));
        Timeout timeout = Timeout.ofMilliseconds(Math.max(1, deadline.toMillis()));
        request.setConfig(RequestConfig.custom().setConnectionRequestTimeout(timeout).setResponseTimeout(timeout)
                .setRedirectsEnabled(false).build());
        if (json != null) {
            request.setEntity(new ByteArrayEntity(json, ContentType.APPLICATION_JSON));
        }
        return request;
    }

    private static byte[] read(HttpEntity entity, long end) throws IOException {
        if (entity == null) {
            return new byte[0];
        }
        try (InputStream in = entity.getContent()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[16 << 10];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
                if (out.size() > MAX_BODY) {
                    throw new IOException("answer larger than " + MAX_BODY + " bytes");
                }
                if (System.nanoTime() - end >= 0) {
                    throw new TimedOutException("answer not complete by the deadline", null);
                }
            }
            return out.toByteArray();
        }
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        calls.close(CloseMode.IMMEDIATE);
        streams.close(CloseMode.IMMEDIATE);
    }
}
