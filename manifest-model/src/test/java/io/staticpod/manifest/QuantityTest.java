package io.staticpod.manifest;

import io.staticpod.manifest.model.Quantity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.math.BigInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Resource quantities: the API's grammar, exact values, the kubelet's rounding, and the API server's caps. */
class QuantityTest {

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
            "100m, 0.1", "0.5, 0.5", "1, 1", "2, 2", "64Mi, 67108864", "1Ki, 1024", "1.5Gi, 1610612736",
            "1k, 1000", "1M, 1000000", "1G, 1000000000", "1T, 1000000000000", "1P, 1000000000000000",
            "1E, 1000000000000000000", "12n, 0.000000012", "3u, 0.000003", "2e3, 2000", "1E+2, 100", "1e-3, 0.001",
            ".5, 0.5", "1., 1", "+1, 1", "-1, -1", "0, 0", "0.0, 0", "1.0E10, 10000000000"})
    void parsesTheApisGrammarExactly(String text, String value) {
        Quantity q = Quantity.parse(text);
        assertThat(q.amount()).isEqualByComparingTo(new BigDecimal(value));
        assertThat(q.text()).isEqualTo(text);
        assertThat(q).hasToString(text);
    }

    @Test
    void binarySuffixesAreExactUpToExbibytes() {
        // 2^60 exactly: a multiplication with 16 significant digits would give 1152921504606847000
        assertThat(Quantity.parse("1Ei").amount()).isEqualByComparingTo(new BigDecimal(BigInteger.ONE.shiftLeft(60)));
        assertThat(Quantity.parse("1Ei").value()).isEqualTo(1L << 60);
    }

    @Test
    void valuesAreRoundedUpAsTheKubeletDoes() {
        assertThat(Quantity.parse("0.1m").milliValue()).isEqualTo(1);
        assertThat(Quantity.parse("1500m").value()).isEqualTo(2);
        assertThat(Quantity.parse("0.5").value()).isEqualTo(1);
        assertThat(Quantity.parse("1.0001").value()).isEqualTo(2);
        assertThat(Quantity.parse("250m").milliValue()).isEqualTo(250);
        assertThat(Quantity.parse("64Mi").value()).isEqualTo(64L << 20);
        assertThat(Quantity.parse("-1.5").value()).isEqualTo(-2); // away from zero, as the API's RoundUp
    }

    @Test
    void valuesAreBoundedAsTheApiServerBoundsThem() {
        BigDecimal max = BigDecimal.valueOf(Long.MAX_VALUE);
        assertThat(Quantity.parse("8Ei").amount()).isEqualByComparingTo(max);
        assertThat(Quantity.parse("1e30").value()).isEqualTo(Long.MAX_VALUE);
        assertThat(Quantity.parse("1e30").milliValue()).isEqualTo(Long.MAX_VALUE);
        assertThat(Quantity.parse("1e999999999").value()).isEqualTo(Long.MAX_VALUE);
        assertThat(Quantity.parse("0.1n").amount()).isEqualByComparingTo("0.000000001");
        assertThat(Quantity.parse("1e-999999999").amount()).isEqualByComparingTo("0.000000001");
        assertThat(Quantity.parse("1.0000000001").amount()).isEqualByComparingTo("1.000000001");
    }

    @Test
    void quantitiesAreEqualByValueWhateverTheirUnit() {
        assertThat(Quantity.parse("1Gi")).isEqualTo(Quantity.parse("1024Mi")).hasSameHashCodeAs(Quantity.parse("1024Mi"));
        assertThat(Quantity.parse("1k")).isEqualTo(Quantity.of(1000)).hasSameHashCodeAs(Quantity.of(1000));
        assertThat(Quantity.parse("500m")).isEqualTo(Quantity.parse("0.5")).isLessThan(Quantity.parse("1"));
        assertThat(Quantity.parse("1Gi").canonical()).isEqualTo("1073741824");
        assertThat(Quantity.parse("500m").canonical()).isEqualTo("0.5");
        assertThat(Quantity.parse("1k").canonical()).isEqualTo("1000");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "1.5.5", "1 Gi", " 1", "1Mi ", "1gi", "Mi", "\u0661\u0662", ".", "+", "-", "1e",
            "1e3.5", "1Kib", "0x10", "1_000", "1,5", "Infinity", "NaN", "1e1234567890", "--1"})
    void refusesWhatTheApiServerRefuses(String text) {
        assertThat(Quantity.problem(text)).as(text).isNotNull();
        assertThatThrownBy(() -> Quantity.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a quantity: ");
    }

    @Test
    void problemsSayWhatIsWrong() {
        assertThat(Quantity.problem("64mi")).startsWith("unknown suffix \"mi\": use one of");
        assertThat(Quantity.problem("1.5.5")).isEqualTo("more than one decimal point");
        assertThat(Quantity.problem("Mi")).isEqualTo("must start with a number, such as 100m, 64Mi or 2");
        assertThat(Quantity.problem("1 Gi")).startsWith("unexpected characters after the number");
        assertThat(Quantity.problem("1".repeat(101))).isEqualTo("too long: at most 100 characters");
        assertThat(Quantity.problem("2e3")).isNull();
    }
}
