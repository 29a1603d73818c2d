package io.staticpod.agent.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.staticpod.agent.status.PodRow;
import io.staticpod.config.AgentConfig;
import io.staticpod.config.ConfigException;
import io.staticpod.config.ConfigLoader;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code status [--json] [--address HOST:PORT | --healthz-port PORT | --config FILE]}: the static pods the running
 * agent runs, read from its local endpoint ({@code /pods} on {@code healthzBindAddress:healthzPort}, by default
 * 127.0.0.1:10248), printed as {@code kubectl get po} prints pods, plus the FILE and ERROR columns; with
 * {@code --json}, the endpoint's JSON as it is. Exit code 1 when the agent cannot be reached.
 */
final class StatusCommand {
    private final PrintStream out;
    private final PrintStream err;

    StatusCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] args) {
        boolean json = false;
        String address = null;
        String config = null;
        String port = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = a.contains("=") ? a.substring(a.indexOf('=') + 1) : i + 1 < args.length ? args[i + 1] : null;
            String flag = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            switch (flag) {
                case "--json", "-o=json" -> json = true;
                case "--address", "--config", "--healthz-port" -> {
                    if (value == null) {
                        return Commands.usage(err, "status: " + flag + " needs a value");
                    }
                    if (!a.contains("=")) {
                        i++;
                    }
                    switch (flag) {
                        case "--address" -> address = value;
                        case "--config" -> config = value;
                        default -> port = value;
                    }
                }
                case "--help", "-h" -> {
                    out.println(Commands.USAGE_TEXT);
                    return Commands.OK;
                }
                default -> {
                    return Commands.usage(err, "status: unknown argument " + a);
                }
            }
        }
        if (address == null) {
            try {
                address = addressOf(config, port);
            } catch (ConfigException e) {
                e.errors().forEach(m -> err.println("static-pod-agent: status: " + m));
                return Commands.USAGE;
            }
        }
        URI uri = URI.create("http://" + address + "/pods");
        String body;
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                err.println("static-pod-agent: status: " + uri + " answered " + response.statusCode() + ": "
                        + response.body().strip());
                return Commands.PROBLEMS;
            }
            body = response.body();
        } catch (IOException e) {
            err.println("static-pod-agent: status: cannot reach the agent at " + uri + " (" + e
                    + "); is it running (systemctl status static-pod-agent), and on this address? "
                    + "(--address HOST:PORT or --config FILE)");
            return Commands.PROBLEMS;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Commands.PROBLEMS;
        }
        if (json) {
            out.println(body.strip());
            return Commands.OK;
        }
        PodRow.Board board;
        try {
            board = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(body, PodRow.Board.class);
        } catch (IOException e) {
            err.println("static-pod-agent: status: unexpected answer from " + uri + ": " + e.getMessage());
            return Commands.PROBLEMS;
        }
        out.print(table(board));
        return Commands.OK;
    }

    /** The endpoint's address from the same settings the agent reads: flags, then the config file, then defaults. */
    private static String addressOf(String config, String port) throws ConfigException {
        List<String> args = new ArrayList<>(List.of("--pod-manifest-path", "/", "--hostname-override", "status"));
        if (config != null) {
            args.addAll(List.of("--config", config));
        }
        if (port != null) {
            args.addAll(List.of("--healthz-port", port));
        }
        AgentConfig c = ((ConfigLoader.Outcome.Run) ConfigLoader.load(args.toArray(String[]::new))).config();
        if (c.healthzPort() == 0) {
            throw new ConfigException(List.of("healthzPort is 0: the agent serves no local endpoint to read"));
        }
        String host = c.healthzBindAddress();
        if (host.equals("0.0.0.0") || host.equals("::") || host.isEmpty()) {
            host = "127.0.0.1";
        }
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + c.healthzPort();
    }

    /** {@code kubectl get po -A} columns, plus FILE and ERROR; invalid files that run no pod follow the pods. */
    static String table(PodRow.Board board) {
        if (board.pods().isEmpty() && board.invalidFiles().isEmpty()) {
            return "No static pods on node " + board.node() + "\n";
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE", "FILE", "ERROR"});
        for (PodRow p : board.pods()) {
            rows.add(new String[]{p.namespace(), p.name(), p.ready(), p.status(), Integer.toString(p.restarts()),
                    age(p.ageSeconds()), p.file(), oneLine(p.lastError())});
        }
        for (PodRow.InvalidFile f : board.invalidFiles()) {
            rows.add(new String[]{"-", "-", "-", "InvalidManifest", "-", "-", f.file(),
                    oneLine(f.errors().isEmpty() ? "" : f.errors().get(0)
                            + (f.errors().size() > 1 ? " (and " + (f.errors().size() - 1) + " more)" : ""))});
        }
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length - 1; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(i < r.length - 1 ? pad(r[i], width[i] + 3) : r[i]);
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
        return b.toString();
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() > 160 ? one.substring(0, 157) + "..." : one;
    }

    /** As kubectl prints ages: {@code 45s}, {@code 3m12s}, {@code 25m}, {@code 5h3m}, {@code 3d4h}, {@code 40d}. */
    static String age(long seconds) {
        if (seconds < 120) {
            return seconds + "s";
        }
        long minutes = seconds / 60;
        if (minutes < 10) {
            return minutes + "m" + (seconds % 60 == 0 ? "" : seconds % 60 + "s");
        }
        if (minutes < 180) {
            return minutes + "m";
        }
        long hours = minutes / 60;
        if (hours < 8) {
            return hours + "h" + (minutes % 60 == 0 ? "" : minutes % 60 + "m");
        }
        if (hours < 48) {
            return hours + "h";
        }
        long days = hours / 24;
        if (days < 8) {
            return days + "d" + (hours % 24 == 0 ? "" : hours % 24 + "h");
        }
        return days + "d";
    }
}
