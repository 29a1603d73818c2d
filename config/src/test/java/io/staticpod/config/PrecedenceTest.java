package io.staticpod.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Flag, then file, then default; a flag's problem goes to the shared error list. */
class PrecedenceTest {
    private final List<String> errors = new ArrayList<>();
    private final Precedence precedence = new Precedence(errors);

    @Test
    void aGivenFlagWinsOverTheFileWhichWinsOverTheDefault() {
        assertThat(precedence.pick("--healthz-port", "1", Values::port, 2, 3)).isEqualTo(1);
        assertThat(precedence.pick("--healthz-port", null, Values::port, 2, 3)).isEqualTo(2);
        assertThat(precedence.pick("--healthz-port", null, Values::port, null, 3)).isEqualTo(3);
        assertThat(precedence.pick("--healthz-port", null, Values::port, null)).isNull();
        assertThat(errors).isEmpty();
    }

    @Test
    void aBadFlagIsReportedUnderItsNameAndTheFileIsNotUsedInstead() {
        assertThat(precedence.pick("--healthz-port", "x", Values::port, 2, 3)).isNull();

        assertThat(errors).singleElement().asString().startsWith("--healthz-port: \"x\"");
    }

    @Test
    void aBlankFlagCountsAsNotGivenOnlyWhereThatIsAsked() {
        assertThat(precedence.pickNonBlank("--root-dir", " ", Precedence.PATH, Path.of("/file"), Path.of("/d")))
                .isEqualTo(Path.of("/file"));
        assertThat(precedence.pickNonBlank("--root-dir", " /a/../b ", Precedence.PATH, Path.of("/file")))
                .isEqualTo(Path.of("/b"));
        assertThat(precedence.pick("--healthz-port", " ", Values::port, 2, 3)).isNull();
        assertThat(errors).hasSize(1);
    }
}
