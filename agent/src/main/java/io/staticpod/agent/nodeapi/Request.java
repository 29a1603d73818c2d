package io.staticpod.agent.nodeapi;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One request as the node API handles it, copied out of the HTTP layer.
 *
 * @param uri              the request target as sent (path and query)
 * @param rawPath          its path, still percent-encoded
 * @param query            its decoded query parameters
 * @param headers          every header in order, as sent (forwarded on a hand-over; never logged)
 * @param peerCertificates the client's certificate chain as TLS verified it, leaf first, or empty
 */
public record Request(String method, String uri, String rawPath, Map<String, List<String>> query,
                      List<Map.Entry<String, String>> headers, List<X509Certificate> peerCertificates) {
    public Request {
        query = Map.copyOf(query);
        headers = List.copyOf(headers);
        peerCertificates = List.copyOf(peerCertificates);
    }

    /** The first value of a header, by name in any case, or null. */
    public String header(String name) {
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }

    /** {@code Connection: Upgrade} with an {@code Upgrade} header: SPDY/3.1 or WebSocket, to be handed over. */
    public boolean upgrade() {
        String connection = header("Connection");
        return connection != null && header("Upgrade") != null
                && List.of(connection.toLowerCase(Locale.ROOT).split("\\s*,\\s*")).contains("upgrade");
    }

    /** Whether the response should come without a body. */
    public boolean head() {
        return method.equals("HEAD");
    }

    @Override
    public String toString() {
        return method + " " + (rawPath.length() > 200 ? rawPath.substring(0, 200) + "…" : rawPath);
    }
}
