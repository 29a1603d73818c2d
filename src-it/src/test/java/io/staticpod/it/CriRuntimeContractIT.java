package io.staticpod.it;

import io.staticpod.runtime.cri.CriRuntime;
import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.testing.ContainerRuntimeContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

/**
 * {@link CriRuntime} against the tests' containerd with its CRI plugin and CNI ({@link CriTestRuntime}): the whole
 * {@link ContainerRuntimeContract} of the pod-level SPI. One test of it is not run here, with its reason: the
 * contract's tmpfs must show its size limit in {@code /proc/mounts}, and CRI has only bind mounts, so an in-memory
 * mount on CRI is a bind of a directory on the node's tmpfs, without a size of its own (see InMemoryMounts);
 * {@code CriRuntimeIT} checks binds, read-only binds and that the in-memory mount is a tmpfs.
 */
class CriRuntimeContractIT extends ContainerRuntimeContract {
    private static final String TMPFS_SIZE_TEST = "bindMountsAreWritableOrReadOnlyAsAskedAndATmpfsIsInMemory";

    @RegisterExtension
    static final ExecutionCondition NO_TMPFS_SIZE_ON_CRI = context ->
            context.getTestMethod().map(m -> m.getName().equals(TMPFS_SIZE_TEST)).orElse(false)
                    ? ConditionEvaluationResult.disabled("CRI has no tmpfs mounts: an in-memory mount is a bind of a"
                    + " directory on the node's tmpfs, without a size limit of its own (CriRuntimeIT checks the rest)")
                    : ConditionEvaluationResult.enabled("the contract applies");

    private static CriRuntime cri;

    @BeforeAll
    static void theTestsContainerdAnswersCri() {
        CriTestRuntime.require();
        cri = CriTestRuntime.connect();
    }

    @AfterAll
    static void removeEverythingThisRunCreated() {
        if (cri != null) {
            removeAll(cri, Map.of(RUN_LABEL, RUN));
            cri.close();
        }
    }

    @Override
    protected ContainerRuntime runtime() {
        return cri;
    }

    @Override
    protected ContainerRuntime newRuntimeInstance() {
        return CriTestRuntime.connect();
    }

    @Override
    protected String busyboxImage() {
        return ItEnvironment.BUSYBOX;
    }
}
