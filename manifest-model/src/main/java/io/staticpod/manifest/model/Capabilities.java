package io.staticpod.manifest.model;

import java.util.List;

/** Linux capabilities to add to and drop from the runtime's default set, as written ({@code NET_ADMIN}, {@code ALL}). */
public record Capabilities(List<String> add, List<String> drop) {
    public static final Capabilities NONE = new Capabilities(List.of(), List.of());

    public Capabilities {
        add = add == null ? List.of() : List.copyOf(add);
        drop = drop == null ? List.of() : List.copyOf(drop);
    }
}
