package io.staticpod.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {
    @ParameterizedTest(name = "{0} is {1} ms")
    @CsvSource({
        "20s, 20000",
        "1m0s, 60000",
        "1m, 60000",
        "1m30s, 90000",
        "500ms, 500",
        "1h, 3600000",
        "1h0m0s, 3600000",
        "1.5h, 5400000",
        "2h45m, 9900000",
        "0.5s, 500",
        "0s, 0",
        "0, 0",
        "-2s, -2000",
        "+3s, 3000",
    })
    void parsesTheDurationsTheKubeletWrites(String text, long millis) {
        assertThat(GoDuration.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void parsesSubMillisecondUnits() {
        assertThat(GoDuration.parse("1500us")).isEqualTo(Duration.ofNanos(1_500_000));
        assertThat(GoDuration.parse("1µs")).isEqualTo(Duration.ofNanos(1_000));
        assertThat(GoDuration.parse("7ns")).isEqualTo(Duration.ofNanos(7));
    }

    @Test
    void rejectsABareNumberForWantOfAUnit() {
        assertThatThrownBy(() -> GoDuration.parse("20"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing unit");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "s", "20x", "1..5s", "abc", "-", "20 s", "1d", ".s"})
    void rejectsWhatGoRejects(String text) {
        assertThatThrownBy(() -> GoDuration.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void namesTheValidUnitsWhenTheUnitIsUnknown() {
        assertThatThrownBy(() -> GoDuration.parse("1d"))
                .hasMessageContaining("unknown unit \"d\"")
                .hasMessageContaining("ns, us, ms, s, m, h");
    }

    @ParameterizedTest(name = "{0} formats as {1}")
    @CsvSource({
        "20000, 20s",
        "60000, 1m0s",
        "90000, 1m30s",
        "3600000, 1h0m0s",
        "500, 500ms",
        "1500, 1.5s",
        "0, 0s",
    })
    void formatsAsGoDoes(long millis, String text) {
        assertThat(GoDuration.format(Duration.ofMillis(millis))).isEqualTo(text);
        assertThat(GoDuration.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }
}
