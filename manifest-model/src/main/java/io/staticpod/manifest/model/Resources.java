package io.staticpod.manifest.model;

/**
 * A container's {@code resources}, defaulted as the API server does: a resource with a limit and no request is
 * requested at its limit.
 */
public record Resources(ResourceList requests, ResourceList limits) {
    public static final Resources NONE = new Resources(ResourceList.EMPTY, ResourceList.EMPTY);

    public Resources {
        requests = requests == null ? ResourceList.EMPTY : requests;
        limits = limits == null ? ResourceList.EMPTY : limits;
    }
}
