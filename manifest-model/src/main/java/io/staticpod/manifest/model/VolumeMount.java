package io.staticpod.manifest.model;

public record VolumeMount(String name, String mountPath, boolean readOnly, String subPath) {
}
