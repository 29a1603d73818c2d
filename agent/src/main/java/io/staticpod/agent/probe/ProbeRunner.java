package io.staticpod.agent.probe;

import io.staticpod.manifest.model.ContainerPort;
import io.staticpod.manifest.model.Probe;
import io.staticpod.runtime.spi.ExecSync;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * Runs one probe once, as the kubelet's prober does: exec (exit code 0), httpGet (status 200–399; HTTPS without
 * certificate verification; User-Agent {@code kube-probe/1.20}), tcpSocket (a connection opens). Stateless,
 * thread-safe.
 */
final class ProbeRunner {
    static final String USER_AGENT = "kube-probe/1.20";
    private static final int MAX_BODY = 10 * 1024;
    /**
     * Added to an exec probe's deadline at the runtime: the round trip to the runtime (hundreds of milliseconds through
     * a CLI adapter on a busy node) must not make a liveness probe time out and restart a healthy etcd. The probe
     * itself still fails when the command ran longer than its {@code timeoutSeconds}.
     */
    static final Duration EXEC_OVERHEAD = Duration.ofSeconds(1);

    private final ExecSync exec;
    private final String runtimeName;
    private final SSLContext trustAll;

    /**
     * @param exec        how to run exec probes, or null when the runtime cannot (such probes then fail, saying why)
     * @param runtimeName the runtime's name, for that message
     */
    ProbeRunner(ExecSync exec, String runtimeName) {
        this.exec = exec;
        this.runtimeName = runtimeName;
        this.trustAll = trustAll();
    }

    /** What one run found. */
    record Outcome(boolean success, String message) {
    }

    /**
     * @param containerId the container, for exec probes
     * @param host        where network probes go when the probe names no host: the pod IP, or the node's address
     * @param ports       the container's ports, to resolve a named port
     */
    Outcome run(Probe probe, String containerId, String host, List<ContainerPort> ports) {
        Duration timeout = Duration.ofSeconds(probe.timeoutSeconds());
        try {
            if (probe.action() instanceof Probe.Exec e) {
                return exec(containerId, e, timeout);
            }
            if (probe.action() instanceof Probe.HttpGet h) {
                return http(h, h.host() != null && !h.host().isEmpty() ? h.host() : host, port(h.port(), ports),
                        timeout, false);
            }
            if (!(probe.action() instanceof Probe.TcpSocket t)) {
                return new Outcome(false, "a probe cannot " + probe.action()); // the validator lets none through
            }
            return tcp(t.host() != null && !t.host().isEmpty() ? t.host() : host, port(t.port(), ports), timeout);
        } catch (RuntimeException e) {
            return new Outcome(false, e.getMessage());
        }
    }

    Outcome exec(String containerId, Probe.Exec e, Duration timeout) {
        if (exec == null) {
            return new Outcome(false, "the " + runtimeName + " runtime cannot run exec probes: use an httpGet or "
                    + "tcpSocket probe, or another --runtime");
        }
        ExecSync.ExecResult r = exec.exec(containerId, e.command(), timeout.plus(EXEC_OVERHEAD));
        if (r.timedOut()) {
            return new Outcome(false, "command timed out after " + timeout.toSeconds() + "s");
        }
        return new Outcome(r.exitCode() == 0, r.exitCode() == 0 ? "" : "command " + e.command() + " exited with "
                + r.exitCode() + (r.output().isBlank() ? "" : ": " + abbreviate(r.output())));
    }

    /** @param anyStatus whether any answer succeeds (a hook's), not only a status from 200 to 399 (a probe's) */
    Outcome http(Probe.HttpGet h, String host, int port, Duration timeout, boolean anyStatus) {
        if (host == null) {
            return new Outcome(false, "no address to probe yet (the pod has no IP)");
        }
        String path = h.path().startsWith("/") ? h.path() : "/" + h.path();
        String scheme = h.scheme().toLowerCase(java.util.Locale.ROOT);
        String url = scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + path;
        HttpURLConnection c = null;
        try {
            c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            if (c instanceof HttpsURLConnection https) {
                https.setSSLSocketFactory(trustAll.getSocketFactory());
                https.setHostnameVerifier((name, session) -> true); // probes do not verify, as the kubelet's
            }
            c.setConnectTimeout((int) timeout.toMillis());
            c.setReadTimeout((int) timeout.toMillis());
            c.setInstanceFollowRedirects(true);
            c.setRequestProperty("User-Agent", USER_AGENT);
            c.setRequestProperty("Accept", "*/*");
            for (Probe.Header header : h.headers()) {
                c.setRequestProperty(header.name(), header.value());
            }
            int code = c.getResponseCode();
            String body = body(code >= 400 ? c.getErrorStream() : c.getInputStream());
            if (anyStatus || (code >= 200 && code < 400)) {
                return new Outcome(true, "");
            }
            return new Outcome(false, "HTTP probe failed with statuscode: " + code
                    + (body.isBlank() ? "" : ": " + abbreviate(body)));
        } catch (IOException e) {
            return new Outcome(false, "Get \"" + url + "\": " + e.getMessage());
        } finally {
            if (c != null) {
                c.disconnect();
            }
        }
    }

    private static Outcome tcp(String host, int port, Duration timeout) {
        if (host == null) {
            return new Outcome(false, "no address to probe yet (the pod has no IP)");
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            return new Outcome(true, "");
        } catch (IOException e) {
            return new Outcome(false, "dial tcp " + host + ":" + port + ": " + e.getMessage());
        }
    }

    /** A port number, or the number of the container port with that name. */
    static int port(String port, List<ContainerPort> ports) {
        if (port != null && port.matches("[0-9]+")) {
            return Integer.parseInt(port);
        }
        for (ContainerPort p : ports) {
            if (port != null && port.equals(p.name())) {
                return p.containerPort();
            }
        }
        throw new IllegalArgumentException("no container port named \"" + port + "\"");
    }

    private static String body(InputStream in) throws IOException {
        if (in == null) {
            return "";
        }
        try (in) {
            return new String(in.readNBytes(MAX_BODY), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static String abbreviate(String s) {
        String line = s.strip().replace('\n', ' ');
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }

    private static SSLContext trustAll() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[]{new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS for probes", e);
        }
    }
}
