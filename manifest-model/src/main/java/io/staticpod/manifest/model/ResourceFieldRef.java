package io.staticpod.manifest.model;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A resource of a container, as the downward API gives it: {@code limits.cpu}, {@code requests.memory},
 * {@code limits.ephemeral-storage}, … divided by {@code divisor} and rounded up.
 *
 * @param containerName the container whose resources are read; in an environment variable defaulted to the
 *                      variable's own container
 * @param resource      {@code limits.<name>} or {@code requests.<name>}
 * @param divisor       defaulted to 1
 */
public record ResourceFieldRef(String containerName, String resource, Quantity divisor) implements ValueSource {
    public ResourceFieldRef {
        divisor = divisor == null ? Quantity.ONE : divisor;
    }

    /** True for {@code limits.*}, false for {@code requests.*}. */
    public boolean limit() {
        return resource.startsWith("limits.");
    }

    /** The resource's name: {@code cpu} for {@code limits.cpu}. */
    public String resourceName() {
        return resource.substring(resource.indexOf('.') + 1);
    }

    /** The amount this reference selects from {@code resources}; null when the container does not set it. */
    public Quantity select(Resources resources) {
        return (limit() ? resources.limits() : resources.requests()).get(resourceName());
    }

    /**
     * {@code amount} as the downward API shows it: divided by the divisor and rounded up to a whole number, CPU in
     * thousandths as the kubelet computes it ({@code ceil(MilliValue / divisor.MilliValue)}), every other resource
     * in whole units ({@code ceil(Value / divisor.Value)}).
     */
    public String render(Quantity amount) {
        boolean cpu = resourceName().equals("cpu");
        long a = cpu ? amount.milliValue() : amount.value();
        long d = cpu ? divisor.milliValue() : divisor.value();
        return BigDecimal.valueOf(a).divide(BigDecimal.valueOf(d), 0, RoundingMode.CEILING).toPlainString();
    }
}
