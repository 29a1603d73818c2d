package io.staticpod.runtime.spi;

/**
 * Who answered.
 *
 * @param runtimeName    the engine's own name ({@code docker}, {@code containerd})
 * @param runtimeVersion its version ({@code 20.10.24}, {@code v1.6.20})
 * @param apiVersion     the API version in use after negotiation ({@code 1.41}, {@code v1})
 */
public record RuntimeVersion(String runtimeName, String runtimeVersion, String apiVersion) {
    @Override
    public String toString() {
        return runtimeName + " " + runtimeVersion + " (API " + apiVersion + ")";
    }
}
