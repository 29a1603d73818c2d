package io.staticpod.manifest.model;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.Objects;

/**
 * A Kubernetes resource quantity ({@code 100m}, {@code 0.5}, {@code 64Mi}, {@code 1G}, {@code 2e3}) as an exact
 * number, with the text it was written as (for messages). Equal when their values are: {@code 1Gi} equals
 * {@code 1024Mi}.
 *
 * <p>The grammar is the API's ({@code k8s.io/apimachinery/pkg/api/resource}): an optional sign, ASCII digits with
 * at most one decimal point ({@code 1}, {@code 1.5}, {@code 1.}, {@code .5}), then one suffix: binary ({@code Ki Mi
 * Gi Ti Pi Ei}, powers of 1024), decimal ({@code n u m k M G T P E}, or none), or a decimal exponent ({@code e3},
 * {@code E-2}, {@code e+6}). As the API server does, a value is rounded up (away from zero) to a whole nano unit and
 * capped at 2<sup>63</sup>-1 in magnitude. Stricter than the API server only where no one means a number: text
 * without any digit ({@code "."}, {@code "+"}) and text longer than {@value #MAX_LENGTH} characters are refused.
 * {@link #value()} and {@link #milliValue()} round up as the kubelet does ({@code Quantity.Value()},
 * {@code MilliValue()}): a memory limit of {@code 0.5} is one byte, a CPU of {@code 0.1m} one millicore.
 *
 * <p><b>Why this parser and not fabric8's {@code io.fabric8.kubernetes.api.model.Quantity}:</b> this module
 * validates manifests and must accept exactly what the API server accepts, with a message naming the mistake; it
 * also must compute exact values, because the container hash and cgroup limits are derived from them. fabric8's
 * class (7.9) accepts non-ASCII digits ({@code "١٢"} is 12 to it, an error to the API server) and multiplies binary
 * suffixes with 16 significant digits ({@code 1Ei} becomes 1152921504606847000 instead of 2<sup>60</sup>, and
 * {@code 8Ei} exceeds 2<sup>63</sup>-1); it has no rounding rule of the kubelet's; and depending on it would bring
 * the 3.4 MB {@code kubernetes-model-core} and its mutable model into the lowest module, which knows no API client.
 * So this is the one quantity parser of the project: the agent's former copy is replaced by it.
 */
public final class Quantity implements Comparable<Quantity> {
    /** Longer text is refused: no quantity needs it, and parsing is then bounded whatever a file holds. */
    public static final int MAX_LENGTH = 100;
    private static final BigDecimal MAX = BigDecimal.valueOf(Long.MAX_VALUE);
    private static final BigDecimal NANO = new BigDecimal("1e-9");
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
    private static final Map<String, BigDecimal> SUFFIXES = Map.ofEntries(
            Map.entry("n", new BigDecimal("1e-9")), Map.entry("u", new BigDecimal("1e-6")),
            Map.entry("m", new BigDecimal("1e-3")), Map.entry("", BigDecimal.ONE),
            Map.entry("k", new BigDecimal("1e3")), Map.entry("M", new BigDecimal("1e6")),
            Map.entry("G", new BigDecimal("1e9")), Map.entry("T", new BigDecimal("1e12")),
            Map.entry("P", new BigDecimal("1e15")), Map.entry("E", new BigDecimal("1e18")),
            Map.entry("Ki", binary(10)), Map.entry("Mi", binary(20)), Map.entry("Gi", binary(30)),
            Map.entry("Ti", binary(40)), Map.entry("Pi", binary(50)), Map.entry("Ei", binary(60)));

    /** Zero, as a request or limit that is not set reads in the downward API. */
    public static final Quantity ZERO = of(0);
    /** One whole unit: the default divisor of a {@code resourceFieldRef}. */
    public static final Quantity ONE = of(1);

    private final String text;
    private final BigDecimal amount;

    private Quantity(String text, BigDecimal amount) {
        this.text = text;
        this.amount = amount;
    }

    /**
     * @throws IllegalArgumentException when {@code text} is not a quantity; the message says what is wrong and
     *                                  never quotes more than the suffix
     */
    public static Quantity parse(String text) {
        Objects.requireNonNull(text, "text");
        String problem = problem(text);
        if (problem != null) {
            throw new IllegalArgumentException("not a quantity: " + problem);
        }
        return new Quantity(text, valueOf(text));
    }

    /** A whole number of base units (bytes, cores), written as a plain number. */
    public static Quantity of(long value) {
        return new Quantity(Long.toString(value), bounded(BigDecimal.valueOf(value)));
    }

    /** What is wrong with {@code text} as a quantity, or null when it is one. */
    public static String problem(String text) {
        if (text.isEmpty()) {
            return "empty";
        }
        if (text.length() > MAX_LENGTH) {
            return "too long: at most " + MAX_LENGTH + " characters";
        }
        int i = text.charAt(0) == '+' || text.charAt(0) == '-' ? 1 : 0;
        int digits = 0;
        int points = 0;
        for (; i < text.length() && (isDigit(text.charAt(i)) || text.charAt(i) == '.'); i++) {
            if (text.charAt(i) == '.') {
                points++;
            } else {
                digits++;
            }
        }
        if (digits == 0) {
            return "must start with a number, such as 100m, 64Mi or 2";
        }
        if (points > 1) {
            return "more than one decimal point";
        }
        String suffix = text.substring(i);
        if (SUFFIXES.containsKey(suffix) || exponent(suffix) != null) {
            return null;
        }
        return suffix.matches("[A-Za-z]{1,2}") ? "unknown suffix \"" + suffix + "\": use one of n, u, m, k, M, G, T, P,"
                + " E, Ki, Mi, Gi, Ti, Pi, Ei, or an exponent such as e3"
                : "unexpected characters after the number: use a suffix such as m, Mi or G, or none";
    }

    private static BigDecimal valueOf(String text) {
        int end = 0;
        while (end < text.length() && (end == 0 && (text.charAt(0) == '+' || text.charAt(0) == '-')
                || isDigit(text.charAt(end)) || text.charAt(end) == '.')) {
            end++;
        }
        String number = text.substring(0, end);
        String suffix = text.substring(end);
        BigDecimal mantissa = new BigDecimal(number); // "1.", ".5" and "+.5" are numbers to it, as to the API
        Integer exponent = exponent(suffix);
        BigDecimal value = exponent != null ? mantissa.scaleByPowerOfTen(exponent)
                : mantissa.multiply(SUFFIXES.get(suffix));
        return bounded(value);
    }

    /** As the API server: rounded up to a nano unit (away from zero), and capped at 2^63-1 in magnitude. */
    private static BigDecimal bounded(BigDecimal value) {
        if (value.signum() == 0) {
            return BigDecimal.ZERO;
        }
        BigDecimal magnitude = value.abs();
        if (magnitude.compareTo(MAX) > 0) {
            magnitude = MAX;
        } else if (magnitude.compareTo(NANO) < 0) {
            magnitude = NANO;
        } else if (magnitude.scale() > 9) {
            magnitude = magnitude.setScale(9, RoundingMode.UP);
        }
        return (value.signum() < 0 ? magnitude.negate() : magnitude).stripTrailingZeros();
    }

    /** The exponent of a suffix such as {@code e3}, {@code E-2} or {@code e+6}; null for anything else. */
    private static Integer exponent(String suffix) {
        if (suffix.length() < 2 || (suffix.charAt(0) != 'e' && suffix.charAt(0) != 'E')) {
            return null;
        }
        String digits = suffix.substring(suffix.charAt(1) == '+' || suffix.charAt(1) == '-' ? 2 : 1);
        if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        return Integer.parseInt(suffix.substring(1).replace("+", ""));
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static BigDecimal binary(int power) {
        return new BigDecimal(java.math.BigInteger.ONE.shiftLeft(power));
    }

    /** The text as written in the manifest (or {@link Long#toString} for {@link #of}). */
    public String text() {
        return text;
    }

    /** The exact value in base units (cores, bytes), rounded to nano units and capped as the API server does. */
    public BigDecimal amount() {
        return amount;
    }

    /** The value rounded up to a whole unit (bytes for memory), as the kubelet's {@code Value()}. */
    public long value() {
        return amount.setScale(0, RoundingMode.UP).longValueExact();
    }

    /** The value in thousandths rounded up (millicores for CPU), as {@code MilliValue()}; saturates. */
    public long milliValue() {
        BigDecimal milli = amount.multiply(THOUSAND).setScale(0, RoundingMode.UP);
        return milli.compareTo(MAX) > 0 ? Long.MAX_VALUE : milli.compareTo(MAX.negate()) < 0 ? -Long.MAX_VALUE
                : milli.longValueExact();
    }

    public int signum() {
        return amount.signum();
    }

    /** The exact value as a plain decimal without trailing zeros ({@code 1073741824}, {@code 0.5}): for hashes. */
    public String canonical() {
        return amount.toPlainString();
    }

    @Override
    public int compareTo(Quantity other) {
        return amount.compareTo(other.amount);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Quantity q && amount.compareTo(q.amount) == 0;
    }

    @Override
    public int hashCode() {
        return amount.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
