package io.staticpod.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;

/**
 * Durations written the way the kubelet writes them, in Go's {@code time.ParseDuration} syntax:
 * {@code 20s}, {@code 1m0s}, {@code 1m30s}, {@code 500ms}, {@code 1.5h}, {@code -2s}.
 * Units are {@code ns}, {@code us} (or {@code µs}), {@code ms}, {@code s}, {@code m}, {@code h}.
 * As in Go, a bare {@code 0} is zero and any other number without a unit is an error.
 */
public final class GoDuration {
    private static final Map<String, Long> NANOS_PER_UNIT = Map.of(
            "ns", 1L,
            "us", 1_000L,
            "µs", 1_000L,
            "μs", 1_000L,
            "ms", 1_000_000L,
            "s", 1_000_000_000L,
            "m", 60_000_000_000L,
            "h", 3_600_000_000_000L);

    private GoDuration() {
    }

    /** @throws IllegalArgumentException saying what is wrong with {@code text} */
    public static Duration parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("empty duration");
        }
        int i = 0;
        boolean negative = false;
        if (text.charAt(0) == '-' || text.charAt(0) == '+') {
            negative = text.charAt(0) == '-';
            i++;
        }
        if (text.substring(i).equals("0")) {
            return Duration.ZERO;
        }
        if (i == text.length()) {
            throw new IllegalArgumentException("invalid duration \"" + text + "\"");
        }
        BigInteger totalNanos = BigInteger.ZERO;
        while (i < text.length()) {
            int numberStart = i;
            while (i < text.length() && (Character.isDigit(text.charAt(i)) || text.charAt(i) == '.')) {
                i++;
            }
            String number = text.substring(numberStart, i);
            if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) {
                throw new IllegalArgumentException("invalid duration \"" + text + "\"");
            }
            int unitStart = i;
            while (i < text.length() && !Character.isDigit(text.charAt(i)) && text.charAt(i) != '.') {
                i++;
            }
            String unit = text.substring(unitStart, i);
            if (unit.isEmpty()) {
                throw new IllegalArgumentException("missing unit in duration \"" + text + "\"");
            }
            Long perUnit = NANOS_PER_UNIT.get(unit);
            if (perUnit == null) {
                throw new IllegalArgumentException("unknown unit \"" + unit + "\" in duration \"" + text
                        + "\" (valid units: ns, us, ms, s, m, h)");
            }
            totalNanos = totalNanos.add(new BigDecimal(number).multiply(BigDecimal.valueOf(perUnit)).toBigInteger());
        }
        if (totalNanos.bitLength() > 63) {
            throw new IllegalArgumentException("duration \"" + text + "\" is too large");
        }
        long nanos = totalNanos.longValueExact();
        return Duration.ofNanos(negative ? -nanos : nanos);
    }

    /** Go's {@code Duration.String()} for whole milliseconds and up: {@code 20s}, {@code 1m0s}, {@code 1h0m0s}, {@code 500ms}. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.isNegative()) {
            return "-" + format(d.negated());
        }
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            long nanos = d.toNanos();
            if (nanos % 1_000_000 == 0) {
                return nanos / 1_000_000 + "ms";
            }
            if (nanos % 1_000 == 0) {
                return nanos / 1_000 + "µs";
            }
            return nanos + "ns";
        }
        StringBuilder out = new StringBuilder();
        long hours = d.toHours();
        int minutes = d.toMinutesPart();
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            out.append(minutes).append('m');
        }
        BigDecimal seconds = BigDecimal.valueOf(d.toSecondsPart()).add(BigDecimal.valueOf(d.toNanosPart(), 9));
        out.append(seconds.stripTrailingZeros().toPlainString()).append('s');
        return out.toString();
    }
}
