package io.staticpod.manifest.model;

public enum RestartPolicy { Always, OnFailure, Never }
