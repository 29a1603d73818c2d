package io.staticpod.manifest.model;

/**
 * A seccomp profile. Absent, it is {@link #UNCONFINED}, as with the kubelet without its SeccompDefault feature.
 *
 * @param localhostProfile for {@link Type#Localhost}: the profile's path relative to the kubelet's seccomp
 *                         directory; null otherwise
 */
public record SeccompProfile(Type type, String localhostProfile) {
    public static final SeccompProfile UNCONFINED = new SeccompProfile(Type.Unconfined, null);

    public enum Type { RuntimeDefault, Unconfined, Localhost }

    public SeccompProfile {
        java.util.Objects.requireNonNull(type, "type");
    }
}
