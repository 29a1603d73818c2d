package io.staticpod.runtime.ctr;

import io.staticpod.runtime.spi.NamespaceMode;
import io.staticpod.runtime.spi.NamespaceOptions;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.SandboxMetadata;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CtrSysctlsTest {

    private static SandboxConfig pod(NamespaceMode network, NamespaceMode ipc) {
        return new SandboxConfig(new SandboxMetadata("p", "ns", "uid", 0), "p", null, null, List.of(), Map.of(),
                Map.of(), new NamespaceOptions(network, NamespaceMode.CONTAINER, ipc), Map.of(), false);
    }

    @Test
    void namespacedSysctlsOfThePodsOwnNamespacesAreSet() {
        SandboxConfig own = pod(NamespaceMode.POD, NamespaceMode.POD);
        assertThat(CtrSysctls.refusal(own, "kernel.shm_rmid_forced", "1")).isNull();
        assertThat(CtrSysctls.refusal(own, "net.ipv4.ip_unprivileged_port_start", "0")).isNull();
        assertThat(CtrSysctls.refusal(own, "net/ipv4/ping_group_range", "0 1000")).isNull();
        assertThat(CtrSysctls.refusal(own, "fs.mqueue.msg_max", "20")).isNull();
    }

    @Test
    void theNodesNamespacesAndNodeWideSysctlsAreNeverChanged() {
        assertThat(CtrSysctls.refusal(pod(NamespaceMode.NODE, NamespaceMode.POD), "net.ipv4.ip_forward", "1"))
                .contains("hostNetwork");
        assertThat(CtrSysctls.refusal(pod(NamespaceMode.POD, NamespaceMode.NODE), "kernel.shm_rmid_forced", "1"))
                .contains("hostIPC");
        assertThat(CtrSysctls.refusal(pod(NamespaceMode.POD, NamespaceMode.POD), "vm.swappiness", "1"))
                .contains("not a namespaced sysctl");
        assertThat(CtrSysctls.refusal(pod(NamespaceMode.POD, NamespaceMode.POD), "net.core.x", "1\nkernel.y=2"))
                .contains("not a sysctl");
        assertThat(CtrSysctls.refusal(pod(NamespaceMode.POD, NamespaceMode.POD), "-a", "1")).contains("not a sysctl");
    }
}
