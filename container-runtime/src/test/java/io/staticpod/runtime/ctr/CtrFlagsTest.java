package io.staticpod.runtime.ctr;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Capabilities as ctr takes them: never "ALL", additions before drops. */
class CtrFlagsTest {

    static List<String> security(List<String> add, List<String> drop) {
        List<String> argv = new ArrayList<>();
        CtrFlags.security(argv, false, add, drop, false, true);
        return argv;
    }

    static List<String> values(List<String> argv, String flag) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < argv.size() - 1; i++) {
            if (argv.get(i).equals(flag)) {
                values.add(argv.get(i + 1));
            }
        }
        return values;
    }

    @Test
    void droppingAllDropsEachDefaultButWhatIsAdded() {
        List<String> argv = security(List.of("NET_BIND_SERVICE"), List.of("ALL"));

        assertThat(argv).doesNotContain("ALL");
        assertThat(values(argv, "--cap-add")).containsExactly("CAP_NET_BIND_SERVICE");
        assertThat(values(argv, "--cap-drop")).hasSize(CtrFlags.DEFAULT_CAPABILITIES.size() - 1)
                .doesNotContain("CAP_NET_BIND_SERVICE").contains("CAP_CHOWN", "CAP_KILL");
    }

    @Test
    void addingAllAddsEveryCapabilityAndNamedOnesGetTheirPrefixOnce() {
        assertThat(values(security(List.of("ALL"), List.of()), "--cap-add"))
                .containsExactlyElementsOf(CtrFlags.ALL_CAPABILITIES).hasSize(41);
        assertThat(security(List.of("CAP_SYS_TIME", "SYS_TIME"), List.of("NET_RAW")))
                .containsExactly("--cap-add", "CAP_SYS_TIME", "--cap-drop", "CAP_NET_RAW");
    }
}
