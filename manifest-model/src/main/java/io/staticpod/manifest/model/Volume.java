package io.staticpod.manifest.model;

/** A volume; exactly one source is non-null for the sources we support. */
public record Volume(String name, HostPathVolume hostPath, EmptyDirVolume emptyDir) {

    /** @param type "" (no check), DirectoryOrCreate, Directory, FileOrCreate, File, Socket, CharDevice, BlockDevice */
    public record HostPathVolume(String path, String type) {
    }

    /** @param medium "" or Memory; @param sizeLimit a quantity such as {@code 64Mi}, or null */
    public record EmptyDirVolume(String medium, String sizeLimit) {
    }
}
