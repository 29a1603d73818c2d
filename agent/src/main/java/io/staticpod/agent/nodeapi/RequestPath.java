package io.staticpod.agent.nodeapi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A request path as segments, each percent-decoded on its own: {@code /containerLogs/ns/a%2Fb/c} is four segments,
 * the third {@code a/b}. Routing and authorization both read these segments, so they can never disagree about what a
 * path means; {@code .} and {@code ..} are names like any other (never "parent"), and an encoded slash stays inside
 * its segment. One trailing slash is dropped ({@code /pods/} is {@code /pods}).
 */
public final class RequestPath {
    private RequestPath() {
    }

    /** The decoded segments of a raw path (starting with {@code /}), or null when its escapes are malformed. */
    public static List<String> segments(String rawPath) {
        if (rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            return null;
        }
        String path = rawPath.length() > 1 && rawPath.endsWith("/") ? rawPath.substring(0, rawPath.length() - 1)
                : rawPath;
        List<String> out = new ArrayList<>();
        if (path.equals("/")) {
            return out;
        }
        for (String raw : path.substring(1).split("/", -1)) {
            String decoded = decode(raw);
            if (decoded == null) {
                return null;
            }
            out.add(decoded);
        }
        return out;
    }

    private static String decode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '%') {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
                continue;
            }
            if (i + 2 >= raw.length()) {
                return null;
            }
            int hi = Character.digit(raw.charAt(i + 1), 16);
            int lo = Character.digit(raw.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            bytes.write(hi * 16 + lo);
            i += 2;
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
