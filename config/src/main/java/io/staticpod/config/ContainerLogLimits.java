package io.staticpod.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How large a container's log file may grow before it is rotated and how many files are kept, the live one included:
 * the KubeletConfiguration's {@code containerLogMaxSize} (a quantity such as {@code 10Mi}) and
 * {@code containerLogMaxFiles}, with the kubelet's defaults and limits. Acted on for runtimes that write log files the
 * agent rotates (CRI).
 *
 * @param maxSizeBytes greater than 0
 * @param maxFiles     at least 2
 */
public record ContainerLogLimits(long maxSizeBytes, int maxFiles) {
    /** The kubelet's: 10Mi and 5. */
    public static final ContainerLogLimits DEFAULTS = new ContainerLogLimits(10L * 1024 * 1024, 5);
    /** Top-level KubeletConfiguration fields read here. */
    static final Set<String> FIELDS = Set.of("containerLogMaxSize", "containerLogMaxFiles");

    private static final Pattern QUANTITY = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?");
    private static final Map<String, Long> UNITS = Map.of("Ki", 1L << 10, "Mi", 1L << 20, "Gi", 1L << 30,
            "Ti", 1L << 40, "k", 1_000L, "M", 1_000_000L, "G", 1_000_000_000L, "T", 1_000_000_000_000L);

    public ContainerLogLimits {
        if (maxSizeBytes <= 0) {
            throw new IllegalArgumentException("maxSizeBytes must be greater than 0, was " + maxSizeBytes);
        }
        if (maxFiles < 2) {
            throw new IllegalArgumentException("maxFiles must be at least 2, was " + maxFiles);
        }
    }

    /**
     * The two fields of a KubeletConfiguration, the defaults where it has none (or a zero or empty value, as
     * kubeadm writes for what it leaves alone); each bad value is added to {@code errors} and replaced by its default.
     *
     * @param key the error prefix of a field ({@code file: name})
     */
    static ContainerLogLimits read(JsonNode root, Function<String, String> key, List<String> errors) {
        long size = DEFAULTS.maxSizeBytes;
        int files = DEFAULTS.maxFiles;
        JsonNode sizeNode = root.get("containerLogMaxSize");
        if (sizeNode != null && !sizeNode.isNull() && !sizeNode.asText().isBlank() && !"0".equals(sizeNode.asText())) {
            Long parsed = sizeNode.isContainerNode() ? null : bytes(sizeNode.asText().strip());
            if (parsed == null || parsed <= 0) {
                errors.add(key.apply("containerLogMaxSize") + ": " + Values.quote(sizeNode.asText())
                        + " is not a size greater than 0, such as 10Mi (units Ki, Mi, Gi, Ti, k, M, G, T)");
            } else {
                size = parsed;
            }
        }
        JsonNode filesNode = root.get("containerLogMaxFiles");
        if (filesNode != null && !filesNode.isNull() && !"0".equals(filesNode.asText())) {
            if (filesNode.canConvertToInt() && filesNode.isIntegralNumber() && filesNode.asInt() >= 2) {
                files = filesNode.asInt();
            } else {
                errors.add(key.apply("containerLogMaxFiles") + ": " + Values.quote(filesNode.asText())
                        + " must be a whole number of 2 or more (the live file and at least one rotated)");
            }
        }
        return new ContainerLogLimits(size, files);
    }

    /** A quantity's bytes, rounded up; null when it is not one. */
    static Long bytes(String quantity) {
        Matcher m = QUANTITY.matcher(quantity);
        if (!m.matches()) {
            return null;
        }
        BigDecimal value = new BigDecimal(m.group(1));
        if (m.group(2) != null) {
            value = value.multiply(BigDecimal.valueOf(UNITS.get(m.group(2))));
        }
        try {
            return value.setScale(0, RoundingMode.CEILING).longValueExact();
        } catch (ArithmeticException e) {
            return null;
        }
    }
}
