package io.staticpod.manifest.model;

/** An environment variable with a plain value ({@code valueFrom} comes later). */
public record EnvVar(String name, String value) {
}
