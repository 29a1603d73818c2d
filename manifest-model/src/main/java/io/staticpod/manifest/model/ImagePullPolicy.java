package io.staticpod.manifest.model;

public enum ImagePullPolicy { Always, IfNotPresent, Never }
