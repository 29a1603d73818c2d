package io.staticpod.runtime.ctr;

import io.staticpod.runtime.spi.DnsConfig;
import io.staticpod.runtime.spi.Mount;
import io.staticpod.runtime.spi.NamespaceMode;
import io.staticpod.runtime.spi.NamespaceOptions;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.SandboxMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The hosts and resolv.conf a sandbox gives its containers. */
class SandboxFilesTest {

    @TempDir
    Path dir;

    static SandboxConfig sandbox(NamespaceMode network, DnsConfig dns) {
        return new SandboxConfig(new SandboxMetadata("p", "ns", "u", 0), null, null, dns, null, null, null,
                new NamespaceOptions(network, NamespaceMode.CONTAINER, NamespaceMode.POD), null, false);
    }

    @Test
    void aContainerGetsTheSandboxesFilesReadOnlyUnlessItMountsThosePathsItself() throws Exception {
        SandboxFiles files = new SandboxFiles(dir.resolve("s"), dir.resolve("none"), dir.resolve("none"));
        SandboxConfig config = sandbox(NamespaceMode.POD, new DnsConfig(List.of("1.1.1.1"), null, null));
        files.write("id", config);
        Mount own = Mount.bind("/var/lib/pod/etc-hosts", "/etc/hosts", false);

        assertThat(files.mounts("id", config, List.of())).containsExactly(
                Mount.bind(dir.resolve("s/id/hosts").toString(), "/etc/hosts", true),
                Mount.bind(dir.resolve("s/id/resolv.conf").toString(), "/etc/resolv.conf", true));
        assertThat(files.mounts("id", config, List.of(own))).containsExactly(own,
                Mount.bind(dir.resolve("s/id/resolv.conf").toString(), "/etc/resolv.conf", true));

        files.delete("id");
        assertThat(dir.resolve("s/id")).doesNotExist();
        assertThat(files.mounts("id", config, List.of())).isEmpty();
    }

    @Test
    void onTheNodesNetworkTheNodesHostsFileIsMountedAndWithoutANodeResolvConfNoneIs() throws Exception {
        Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n");
        SandboxFiles files = new SandboxFiles(dir.resolve("s"), hosts, dir.resolve("no-resolv.conf"));
        SandboxConfig config = sandbox(NamespaceMode.NODE, DnsConfig.NODE);
        files.write("id", config);

        assertThat(files.mounts("id", config, List.of())).containsExactly(Mount.bind(hosts.toString(), "/etc/hosts", true));
    }

    @Test
    void resolvConfHasServersSearchesAndOptionsInTheirOrder() {
        assertThat(SandboxFiles.resolvConf(new DnsConfig(List.of("10.0.0.10", "10.0.0.11"), List.of("a.local", "b"),
                List.of("ndots:5", "edns0")))).isEqualTo(
                "nameserver 10.0.0.10\nnameserver 10.0.0.11\nsearch a.local b\noptions ndots:5 edns0\n");
    }
}
