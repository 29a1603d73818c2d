package io.staticpod.manifest.model;

import java.util.Map;

/** Amounts by resource name ({@code cpu}, {@code memory}, {@code ephemeral-storage}, {@code hugepages-2Mi}, …). */
public record ResourceList(Map<String, Quantity> amounts) {
    public static final ResourceList EMPTY = new ResourceList(Map.of());

    public ResourceList {
        amounts = amounts == null ? Map.of() : Map.copyOf(amounts);
    }

    /** CPU in cores ({@link Quantity#milliValue()} gives millicores), or null when not set. */
    public Quantity cpu() {
        return amounts.get("cpu");
    }

    /** Memory in bytes ({@link Quantity#value()}), or null when not set. */
    public Quantity memory() {
        return amounts.get("memory");
    }

    /** The amount of {@code resource}, or null when not set. */
    public Quantity get(String resource) {
        return amounts.get(resource);
    }
}
