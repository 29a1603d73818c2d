package io.staticpod.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Converts one raw setting (from a flag or from the file) and checks it. Each method names the setting with
 * {@code key} ({@code --healthz-port}, or {@code config.yaml: healthzPort}), adds an error saying what would be
 * valid, and returns null when the value is not usable.
 */
final class Values {
    static final Set<String> LOG_LEVELS = Set.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE");

    private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");

    private Values() {
    }

    /** A Go duration; zero or less is an error. */
    static Duration frequency(String key, String raw, List<String> errors) {
        Duration d = duration(key, raw, errors);
        if (d != null && (d.isZero() || d.isNegative())) {
            errors.add(key + ": " + quote(raw) + " must be greater than 0, such as 20s");
            return null;
        }
        return d;
    }

    /** A Go duration of any sign. */
    static Duration duration(String key, String raw, List<String> errors) {
        try {
            return GoDuration.parse(raw.trim());
        } catch (IllegalArgumentException e) {
            errors.add(key + ": " + quote(raw) + " is not a duration (" + e.getMessage()
                    + "); use a Go duration such as 20s, 1m0s or 500ms");
            return null;
        }
    }

    static Integer port(String key, String raw, List<String> errors) {
        try {
            int port = Integer.parseInt(raw.trim());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(key + ": " + quote(raw) + " is not a port number; use 0-65535 (0 disables)");
        return null;
    }

    static AgentConfig.RuntimeKind runtime(String key, String raw, List<String> errors) {
        String name = raw.trim().toLowerCase(Locale.ROOT);
        for (AgentConfig.RuntimeKind kind : AgentConfig.RuntimeKind.values()) {
            if (kind.flagName().equals(name)) {
                return kind;
            }
        }
        errors.add(key + ": " + quote(raw) + " is not a runtime; use docker (the Docker Engine API), docker-cli, ctr, "
                + "containerd or cri");
        return null;
    }

    /**
     * A runtime endpoint as the kubelet takes it: {@code unix:///path}, or an absolute socket path (made a
     * {@code unix://} URL); other transports are not supported.
     */
    static String endpoint(String key, String raw, List<String> errors) {
        String e = raw.trim();
        if (e.startsWith("/")) {
            e = "unix://" + e;
        }
        if (!e.startsWith("unix:///") || e.length() == "unix:///".length()) {
            errors.add(key + ": " + quote(raw) + " is not a UNIX socket; use unix:///path/to/the.sock (such as "
                    + "unix:///var/run/docker.sock or unix:///run/containerd/containerd.sock)");
            return null;
        }
        return e;
    }

    static String logLevel(String key, String raw, List<String> errors) {
        String level = raw.trim().toUpperCase(Locale.ROOT);
        if (level.equals("WARNING")) {
            level = "WARN";
        }
        if (LOG_LEVELS.contains(level)) {
            return level;
        }
        errors.add(key + ": " + quote(raw) + " is not a log level; use ERROR, WARN, INFO, DEBUG or TRACE");
        return null;
    }

    /** The kubelet's {@code -v}: 0-2 is INFO, 3-4 DEBUG, 5 and above TRACE. */
    static String verbosity(String key, String raw, List<String> errors) {
        try {
            int v = Integer.parseInt(raw.trim());
            if (v >= 0) {
                return v <= 2 ? "INFO" : v <= 4 ? "DEBUG" : "TRACE";
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(key + ": " + quote(raw) + " is not a verbosity; use a number: 0-2 INFO, 3-4 DEBUG, 5 and up TRACE");
        return null;
    }

    /** An IP address literal, never looked up in DNS, as the kubelet requires. */
    static String ipAddress(String key, String raw, List<String> errors) {
        String address = raw.trim();
        boolean ok = IPV4.matcher(address).matches()
                || (address.contains(":") && IPV6_CHARS.matcher(address).matches() && isIpv6(address));
        if (!ok) {
            errors.add(key + ": " + quote(raw) + " is not an IP address; use e.g. 127.0.0.1, 0.0.0.0 or ::");
            return null;
        }
        return address;
    }

    private static boolean isIpv6(String address) {
        try {
            // only hex digits, colons and dots reach here, so this parses a literal and never asks DNS
            return java.net.InetAddress.getByName(address) instanceof java.net.Inet6Address;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** Lowercases and checks the node name: a DNS-1123 subdomain, as Kubernetes requires of Node names. */
    static String nodeName(String key, String raw, List<String> errors) {
        String name = raw.trim().toLowerCase(Locale.ROOT);
        boolean ok = !name.isEmpty() && name.length() <= 253;
        if (ok) {
            for (String label : name.split("\\.", -1)) {
                ok &= label.length() <= 63 && DNS1123_LABEL.matcher(label).matches();
            }
        }
        if (!ok) {
            errors.add(key + ": " + quote(raw) + " is not a valid node name; it must be a DNS-1123 subdomain"
                    + " (lowercase letters, digits, '-' and '.', starting and ending with a letter or digit,"
                    + " at most 253 characters)");
            return null;
        }
        return name;
    }

    /** {@code k=v,k2=v2}: checked for shape only. */
    static void labels(String key, String raw, List<String> errors) {
        if (raw.isBlank()) {
            return;
        }
        for (String pair : raw.split(",", -1)) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                errors.add(key + ": " + quote(pair) + " is not a label; use key=value pairs separated by commas");
            }
        }
    }

    /** {@code true} or {@code false} (as Go's ParseBool also takes 1/0, t/f). */
    static Boolean bool(String key, String raw, List<String> errors) {
        switch (raw.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "t", "1" -> {
                return true;
            }
            case "false", "f", "0" -> {
                return false;
            }
            default -> {
                errors.add(key + ": " + quote(raw) + " is not a boolean; use true or false");
                return null;
            }
        }
    }

    static String quote(String raw) {
        return "\"" + raw + "\"";
    }
}
