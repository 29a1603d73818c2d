package io.staticpod.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Reads one manifest (YAML or JSON, one Pod) into a {@link ParseResult}: parses with positions, binds, defaults,
 * validates and computes the identity. Pure and thread-safe; never throws for bad content, and never runs past its
 * {@link ParseBudget} (time and steps of work, {@link ParseBudget#DEFAULT} unless given): a file that would is
 * invalid, with an error saying so.
 *
 * <p>The steps: bytes to text (UTF-8, no NUL) → YAML 1.2 tree with the line of every field
 * ({@link YamlTreeReader}) → apiVersion/kind → schema check: types are errors, unknown fields warnings
 * ({@link SchemaChecker}) → API defaults ({@link PodDefaults}) → validation, every error at once
 * ({@link PodValidator}) → UID from the defaulted tree ({@link PodIdentity}) → identity stamped → typed records.
 *
 * <p>What a message may quote: the agent reads whatever lands in its directory (a link to {@code /etc/shadow}, a
 * private key copied by mistake), and its log and status must not carry such a file's content. So a file is only
 * quoted once it is <em>recognised</em> as a Kubernetes object: its first document is a mapping with a
 * {@code kind} or an {@code apiVersion}. A file that is not (a string, a list, a mapping of other things) gets one
 * error saying so, with no text of its own and no other problem; the YAML parser's messages are scrubbed of
 * source text in any file ({@link YamlTreeReader}): they say where, and what kind of mistake, never what.
 */
public final class ManifestReader {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ManifestReader.class);
    /** The kubelet reads at most this much of a manifest file ({@code maxConfigLength}). */
    public static final int MAX_BYTES = 10 * 1024 * 1024;
    private static final Set<String> OTHER_WORKLOADS = Set.of("Deployment", "DaemonSet", "StatefulSet",
            "ReplicaSet", "Job", "CronJob", "PodList", "List", "PodTemplate");

    private static final java.util.regex.Pattern KIND = java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9]{0,62}");
    private static final java.util.regex.Pattern API_VERSION =
            java.util.regex.Pattern.compile("[a-z0-9][a-z0-9.-]{0,62}(/[a-z0-9]{1,20})?");

    private final String nodeName;
    private final ParseBudget budget;
    private final LongSupplier nanoTime;

    /** @param nodeName the node name, already lowercased */
    public ManifestReader(String nodeName) {
        this(nodeName, ParseBudget.DEFAULT);
    }

    /** A reader whose every {@link #parse} stops with an error once it has spent {@code budget}. */
    public ManifestReader(String nodeName, ParseBudget budget) {
        this(nodeName, budget, System::nanoTime);
    }

    ManifestReader(String nodeName, ParseBudget budget, LongSupplier nanoTime) {
        this.nodeName = nodeName;
        this.budget = budget;
        this.nanoTime = nanoTime;
    }

    public ParseBudget budget() {
        return budget;
    }

    public String nodeName() {
        return nodeName;
    }

    /**
     * @param file    the file's path (absolute), used in messages and in the UID
     * @param content the file's bytes
     */
    public ParseResult parse(Path file, byte[] content) {
        SourceLines lines = new SourceLines();
        Problems problems = new Problems(file, lines);
        try {
            return parse(file, content, lines, problems);
        } catch (RuntimeException | StackOverflowError e) {
            // a bug of ours must not take the agent down with it: report it as this file's problem, by the error's
            // name only (its message could quote the file); the trace goes to the debug log, for the bug report
            log.debug("Reading a static pod manifest failed file={}", file, e);
            problems.errorAt(0, "", "could not read the manifest (an internal error, " + e.getClass().getSimpleName()
                    + "); please report this as a bug of static-pod-agent, with the file");
            return new ParseResult.Invalid(file, problems.errors(), problems.warnings());
        }
    }

    private ParseResult parse(Path file, byte[] content, SourceLines lines, Problems problems) {
        WorkMeter meter = new WorkMeter(budget, nanoTime);
        String text = decode(content, problems);
        JsonNode root = text == null ? null : YamlTreeReader.read(text, lines, problems, meter);
        if (root == null) {
            return invalid(file, problems);
        }
        if (!(root instanceof ObjectNode pod) || !(pod.path("kind").isTextual() || pod.path("apiVersion").isTextual())) {
            // not recognisably a Kubernetes object: say so without quoting any of it (no key, no value)
            Problems only = new Problems(file, lines);
            only.errorAt(1, "", "not a Pod manifest: expected a mapping with apiVersion: v1 and kind: Pod, found "
                    + (root instanceof ObjectNode ? "a mapping without kind or apiVersion"
                    : SchemaChecker.describeKind(root)) + "; nothing of the file is shown");
            return invalid(file, only);
        }
        if (!checkKind(pod, problems)) {
            return invalid(file, problems);
        }
        SchemaChecker.check(pod, problems);
        PodDefaults.apply(pod);
        PodValidator.validate(pod, nodeName, problems);
        if (problems.hasErrors()) {
            return invalid(file, problems);
        }
        String uid = PodIdentity.uidOf(pod, nodeName, file);
        PodIdentity.stamp(pod, uid, nodeName);
        JsonNode metadata = pod.get("metadata");
        PodKey key = new PodKey(metadata.get("namespace").asText(), metadata.get("name").asText());
        StaticPod staticPod = new StaticPod(key, uid, file, PodBinder.bind(pod), pod);
        return new ParseResult.Parsed(staticPod, problems.warnings());
    }

    /** apiVersion v1 and kind Pod; false when this is not a Pod at all (nothing more worth saying then). */
    private static boolean checkKind(ObjectNode pod, Problems problems) {
        String kind = pod.path("kind").isTextual() ? pod.get("kind").asText() : null;
        String apiVersion = pod.path("apiVersion").isTextual() ? pod.get("apiVersion").asText() : null;
        if (kind == null || kind.isEmpty()) {
            problems.error("kind", "required: a static pod file holds exactly one Pod (kind: Pod)");
        } else if (!kind.equals("Pod")) {
            problems.error("kind", "unsupported value " + quotedIf(kind, KIND) + ": a static pod file holds exactly one Pod"
                    + (OTHER_WORKLOADS.contains(kind) ? "; take the pod template out of the " + kind
                    + " into its own file" : ""));
            return false;
        }
        if (apiVersion == null || apiVersion.isEmpty()) {
            problems.error("apiVersion", "required: must be v1");
        } else if (!apiVersion.equals("v1")) {
            problems.error("apiVersion", "unsupported value " + quotedIf(apiVersion, API_VERSION) + ": must be v1");
        }
        return true;
    }

    /** Strict UTF-8 without NUL; a UTF-8 byte order mark is skipped. Null (with the error) when not text. */
    private static String decode(byte[] content, Problems problems) {
        if (content.length > MAX_BYTES) {
            problems.errorAt(0, "", "file too large: " + content.length + " bytes, at most " + MAX_BYTES);
            return null;
        }
        if (content.length >= 2 && ((content[0] == (byte) 0xFE && content[1] == (byte) 0xFF)
                || (content[0] == (byte) 0xFF && content[1] == (byte) 0xFE))) {
            problems.errorAt(1, "", "the file is UTF-16: save it as UTF-8");
            return null;
        }
        for (int i = 0; i < content.length; i++) {
            if (content[i] == 0) {
                problems.errorAt(lineAt(content, i), "", "NUL byte at offset " + i + ": this is not a text file");
                return null;
            }
        }
        int start = content.length >= 3 && content[0] == (byte) 0xEF && content[1] == (byte) 0xBB
                && content[2] == (byte) 0xBF ? 3 : 0;
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(content, start, content.length - start);
        try {
            return decoder.decode(in).toString();
        } catch (MalformedInputException e) {
            int offset = in.position();
            problems.errorAt(lineAt(content, offset), "", "invalid UTF-8 at offset " + offset
                    + ": save the file as UTF-8");
        } catch (CharacterCodingException e) {
            problems.errorAt(0, "", "invalid UTF-8: save the file as UTF-8");
        }
        return null;
    }

    /** The value in quotes when it has the shape of what the field holds, else a note that it is not shown. */
    private static String quotedIf(String value, java.util.regex.Pattern shape) {
        return shape.matcher(value).matches() ? "\"" + value + "\"" : "(not shown: not a kind or version name)";
    }

    private static int lineAt(byte[] content, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < content.length; i++) {
            if (content[i] == '\n') {
                line++;
            }
        }
        return line;
    }

    private static ParseResult invalid(Path file, Problems problems) {
        List<ManifestProblem> errors = problems.errors();
        return new ParseResult.Invalid(file, errors, problems.warnings());
    }
}
