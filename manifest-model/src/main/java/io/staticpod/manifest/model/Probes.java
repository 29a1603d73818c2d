package io.staticpod.manifest.model;

/** A container's probes; each may be null. */
public record Probes(Probe liveness, Probe readiness, Probe startup) {
    public static final Probes NONE = new Probes(null, null, null);

    public boolean any() {
        return liveness != null || readiness != null || startup != null;
    }
}
