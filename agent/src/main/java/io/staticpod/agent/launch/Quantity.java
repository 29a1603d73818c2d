package io.staticpod.agent.launch;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/** Kubernetes resource quantities ({@code 100m}, {@code 1.5}, {@code 64Mi}, {@code 1G}, {@code 2e3}) as numbers. */
final class Quantity {
    private static final Map<String, BigDecimal> SUFFIXES = Map.ofEntries(
            Map.entry("n", new BigDecimal("1e-9")), Map.entry("u", new BigDecimal("1e-6")),
            Map.entry("m", new BigDecimal("1e-3")), Map.entry("", BigDecimal.ONE),
            Map.entry("k", new BigDecimal("1e3")), Map.entry("M", new BigDecimal("1e6")),
            Map.entry("G", new BigDecimal("1e9")), Map.entry("T", new BigDecimal("1e12")),
            Map.entry("P", new BigDecimal("1e15")), Map.entry("E", new BigDecimal("1e18")),
            Map.entry("Ki", BigDecimal.valueOf(1L << 10)), Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
            Map.entry("Gi", BigDecimal.valueOf(1L << 30)), Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
            Map.entry("Pi", BigDecimal.valueOf(1L << 50)), Map.entry("Ei", BigDecimal.valueOf(1L << 60)));

    private Quantity() {
    }

    /** The quantity's value in base units (cores, bytes). */
    static BigDecimal parse(String quantity) {
        String q = quantity.strip();
        int i = 0;
        while (i < q.length() && (Character.isDigit(q.charAt(i)) || q.charAt(i) == '.' || q.charAt(i) == '+'
                || q.charAt(i) == '-')) {
            i++;
        }
        String number = q.substring(0, i);
        String suffix = q.substring(i);
        if (suffix.startsWith("e") || suffix.startsWith("E") && suffix.length() > 1
                && Character.isDigit(suffix.charAt(suffix.length() - 1))) {
            return new BigDecimal(q);
        }
        BigDecimal multiplier = SUFFIXES.get(suffix);
        if (number.isEmpty() || multiplier == null) {
            throw new IllegalArgumentException("not a quantity: " + quantity);
        }
        return new BigDecimal(number).multiply(multiplier);
    }

    /** {@code value / divisor}, rounded up to a whole number, as the downward API reports resources. */
    static String divideRoundingUp(BigDecimal value, String divisor) {
        BigDecimal d = divisor == null || divisor.isBlank() ? BigDecimal.ONE : parse(divisor);
        return value.divide(d, 0, RoundingMode.CEILING).toPlainString();
    }
}
