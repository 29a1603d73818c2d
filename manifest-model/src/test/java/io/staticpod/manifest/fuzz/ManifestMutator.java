package io.staticpod.manifest.fuzz;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Makes fuzzed manifest files from seed texts (the examples, the test manifests, the bad-input corpus): each input is
 * one seed with one to three mutations, or a file that is no manifest at all and holds secret-looking values. Every
 * input is a pure function of its seed number, so that one failing input can be made again on its own.
 */
public final class ManifestMutator {
    /** What every secret-looking value holds: no message may ever show it. */
    public static final String SECRET = "SECRET";

    /** The mutations, by name: the run counts them, so that a test can check each was tried. */
    public enum Kind {
        DROP_LINE, DUPLICATE_LINE, SWAP_LINES, REINDENT, TRUNCATE, TYPE_FLIP, ODD_BYTES, DEEP_NESTING, ALIAS,
        SELF_MERGE, CYCLIC_ALIAS, LONG_SCALAR, MORE_DOCUMENTS, TAG, SECRET_ENV, NOT_A_MANIFEST
    }

    /** One fuzzed file: its bytes, which mutations made it, and the texts no message may show. */
    public record Input(long seed, byte[] content, List<Kind> kinds, Set<String> secrets) {
        public String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    private static final String[] SCALARS = {"123", "-1", "0x1F", "1e400", ".nan", "-.inf", "true", "no", "~", "null",
        "\"\"", "''", "[]", "{}", "[a, 1]", "{a: 1}", "\"1\"", "2001-01-01", "!!binary aGVsbG8=", "|\n  block",
        "&x 1", "*undefined", "? complex", "'quoted: colon'", "\"\\u0000\"", "\"\\x41\"", "0o17", "+12.5e3"};
    private static final String[] ODD = {"\u0000", "\u00ff", "\ufeff", "\r", "\t", "\u2028", "\u0085", "\u001b[31m",
        "\ud83d\ude00", "\\", "\"", "'", "#", "&", "*", "!", "|", ">", "%", "@", "`", "{", "}", "[", "]", ",", ":",
        "? ", "- ", "---", "...", "<<: "};
    private static final String[] NOT_MANIFESTS = {
        "password: hunter2-SECRET-xyz\nuser: admin\n",
        "DB_PASSWORD=hunter2-SECRET-env\nAPI_KEY=ghp_SECRETtoken0123456789abcdef\n",
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0SECRETpem0AQEFAASCBKcwggSjAgEAAoIBAQC7\n"
            + "-----END PRIVATE KEY-----\n",
        "token: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJTECRET.c2lnbmF0dXJl\n",
        "{\"auths\": {\"registry.example\": {\"auth\": \"dXNlcjpTECRETcGFzcw==\"}}}\n",
        "root:$6$SECRETsalt$SECRETHASHhash:19000:0:99999:7:::\n",
        "apiKey: &k sk-SECRET-live-0123\nsecrets: [*k, *k]\n",
        "- hunter2-SECRET-list\n- {password: hunter2-SECRET-map}\n",
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY\n",
        "secret: &s\n  value: hunter2-SECRET-xyz\n  <<: *s\n",
        "creds: &c [hunter2-SECRET-xyz, *c]\n",
    };

    private final List<String> seeds;

    public ManifestMutator(List<String> seeds) {
        this.seeds = List.copyOf(seeds);
    }

    /**
     * The seed texts of the fuzzers: {@code extra}, then every file of {@code dirs} in order (the examples, the
     * bad-input corpus), sidecars ({@code .expected}) left out.
     */
    public static List<String> seeds(List<Path> dirs, String... extra) throws IOException {
        List<String> seeds = new ArrayList<>(List.of(extra));
        for (Path dir : dirs) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.sorted().toList()) {
                    if (!f.toString().endsWith(".expected")) {
                        seeds.add(new String(Files.readAllBytes(f), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return seeds;
    }

    /** The input number {@code seed}. */
    public Input make(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Kind> kinds = new ArrayList<>();
        String text;
        if (random.nextInt(10) == 0) {
            kinds.add(Kind.NOT_A_MANIFEST);
            text = pick(random, NOT_MANIFESTS);
        } else {
            text = seeds.get(random.nextInt(seeds.size()));
        }
        int mutations = 1 + random.nextInt(3);
        boolean moreDocuments = false;
        for (int i = 0; i < mutations; i++) {
            Kind kind = Kind.values()[random.nextInt(Kind.values().length - 2)];
            kinds.add(kind);
            if (kind == Kind.MORE_DOCUMENTS) {
                moreDocuments = true; // last: a line moved from a secret document into a manifest may be quoted
            } else {
                text = mutate(kind, text, random);
            }
        }
        if (moreDocuments) {
            text = mutate(Kind.MORE_DOCUMENTS, text, random);
        }
        if (!kinds.contains(Kind.NOT_A_MANIFEST) && random.nextInt(8) == 0) {
            kinds.add(Kind.SECRET_ENV);
            text = secretEnv(text);
        }
        byte[] content = text.getBytes(StandardCharsets.UTF_8);
        if (kinds.contains(Kind.ODD_BYTES) && random.nextInt(4) == 0 && content.length > 0) {
            content[random.nextInt(content.length)] = (byte) (0x80 + random.nextInt(0x80)); // invalid UTF-8, often
        }
        return new Input(seed, content, List.copyOf(kinds), Set.of(SECRET));
    }

    private static String mutate(Kind kind, String text, SplittableRandom random) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int n = lines.size();
        int at = random.nextInt(n);
        switch (kind) {
            case DROP_LINE -> lines.remove(at);
            case DUPLICATE_LINE -> lines.add(at, lines.get(at));
            case SWAP_LINES -> {
                int other = random.nextBoolean() ? Math.min(n - 1, at + 1) : random.nextInt(n);
                String t = lines.get(at);
                lines.set(at, lines.get(other));
                lines.set(other, t);
            }
            case REINDENT -> {
                String line = lines.get(at);
                int shift = random.nextInt(9) - 4;
                lines.set(at, shift >= 0 ? (random.nextInt(5) == 0 ? "\t" : " ".repeat(shift)) + line
                        : line.substring(Math.min(-shift, leading(line))));
            }
            case TRUNCATE -> {
                return text.substring(0, text.isEmpty() ? 0 : random.nextInt(text.length()));
            }
            case TYPE_FLIP -> lines.set(at, replaceValue(lines.get(at), pick(random, SCALARS)));
            case ODD_BYTES -> {
                String line = lines.get(at);
                int pos = random.nextInt(line.length() + 1);
                lines.set(at, line.substring(0, pos) + pick(random, ODD) + line.substring(pos));
            }
            case DEEP_NESTING -> lines.set(at, replaceValue(lines.get(at), nested(random)));
            case ALIAS -> alias(lines, random);
            case SELF_MERGE -> selfMerge(lines, random);
            case CYCLIC_ALIAS -> cyclic(lines, random);
            case LONG_SCALAR -> {
                int length = random.nextInt(20) == 0 ? 1 << 20 : 1 + random.nextInt(64 * 1024);
                String filler = random.nextBoolean() ? "x" : "ab c";
                lines.set(at, replaceValue(lines.get(at), filler.repeat(length / filler.length() + 1)));
            }
            case MORE_DOCUMENTS -> {
                String other = random.nextBoolean() ? text : pick(random, NOT_MANIFESTS);
                return random.nextBoolean() ? text + "\n---\n" + other : "---\n" + text + "\n...\n---\n" + other;
            }
            case TAG -> lines.set(at, replaceValue(lines.get(at), pick(random, new String[]{"!!str 1", "!!int x",
                "!custom v", "!!map {}", "!!seq []", "!<tag:example.com,2000:x> v", "!!python/object:os.system x",
                "!!float 1", "!!bool maybe", "!!null x", "!!timestamp 2001"})));
            default -> throw new IllegalArgumentException(kind.name());
        }
        return String.join("\n", lines);
    }

    /** An anchor on one line's value and an alias to it on a later line (or, sometimes, before it). */
    private static void alias(List<String> lines, SplittableRandom random) {
        int at = random.nextInt(lines.size());
        lines.set(at, anchored(lines.get(at), "a"));
        int to = random.nextInt(lines.size());
        String ref = random.nextInt(3) == 0 ? "[*a, *a, *a]" : random.nextBoolean() ? "*a" : "{<<: *a}";
        lines.set(to, replaceValue(lines.get(to), ref));
    }

    /** A mapping that merges itself: {@code key: &m} then {@code <<: *m} inside it (issue 15), or in a list. */
    private static void selfMerge(List<String> lines, SplittableRandom random) {
        int at = mappingLine(lines, random);
        if (at < 0) {
            lines.add("labels: &m\n  <<: *m");
            return;
        }
        String line = lines.get(at);
        lines.set(at, line + " &m");
        String indent = " ".repeat(leading(line) + 2);
        String merge = random.nextBoolean() ? "<<: *m" : random.nextBoolean() ? "<<: [*m]" : "<<: [{k: v}, *m]";
        lines.add(at + 1 + (random.nextBoolean() && at + 2 < lines.size() && leading(lines.get(at + 1)) > leading(line)
                ? 1 : 0), indent + merge);
    }

    /** An alias, deeper inside the mapping or list it names: a plain one, or a merge two levels down. */
    private static void cyclic(List<String> lines, SplittableRandom random) {
        int at = mappingLine(lines, random);
        if (at < 0) {
            lines.add("a: &c\n  b:\n    c: *c");
            return;
        }
        String line = lines.get(at);
        lines.set(at, line + " &c");
        String indent = " ".repeat(leading(line) + 2);
        lines.add(at + 1, random.nextBoolean() ? indent + "inner:\n" + indent + "  <<: *c"
                : indent + "loop: [x, *c]");
    }

    /** A line that opens a block mapping or list ({@code key:} with nothing after it), or -1. */
    private static int mappingLine(List<String> lines, SplittableRandom random) {
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches("\\s*(- )?[A-Za-z][A-Za-z0-9]*:\\s*")) {
                candidates.add(i);
            }
        }
        return candidates.isEmpty() ? -1 : candidates.get(random.nextInt(candidates.size()));
    }

    /** An env var whose value is a secret, in the first container found, after all other mutations. */
    private static String secretEnv(String text) {
        return text.replaceFirst("(?m)^(\\s*)- name: (\\S+)\\n(\\s*)image: (.*)$",
                "$1- name: $2\n$3image: $4\n$3env: [{name: DB_PASSWORD, value: \"hunter2-SECRET-env\"}]");
    }

    private static String anchored(String line, String name) {
        int colon = line.indexOf(": ");
        if (colon < 0) {
            return line.endsWith(":") ? line + " &" + name : line;
        }
        return line.substring(0, colon + 2) + "&" + name + " " + line.substring(colon + 2);
    }

    private static String replaceValue(String line, String value) {
        int colon = line.indexOf(": ");
        if (colon >= 0) {
            return line.substring(0, colon + 2) + value;
        }
        if (line.endsWith(":")) {
            return line + " " + value;
        }
        int dash = line.indexOf("- ");
        return dash >= 0 ? line.substring(0, dash + 2) + value : line + value;
    }

    private static String nested(SplittableRandom random) {
        int depth = 1 + random.nextInt(random.nextBoolean() ? 20 : 300);
        return switch (random.nextInt(3)) {
            case 0 -> "[".repeat(depth) + "]".repeat(depth);
            case 1 -> "{a: ".repeat(depth) + "1" + "}".repeat(depth);
            default -> "[{a: ".repeat(depth) + "1" + "}]".repeat(depth);
        };
    }

    private static int leading(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    private static String pick(SplittableRandom random, String[] from) {
        return from[random.nextInt(from.length)];
    }
}
