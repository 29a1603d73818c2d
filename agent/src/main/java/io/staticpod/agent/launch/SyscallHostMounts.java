package io.staticpod.agent.launch;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The host's mounts through C's {@code mount(2)} and {@code umount2(2)} (JNA; the agent runs as root, as the
 * kubelet), and {@code /proc/mounts} for what is mounted: no {@code mount} process on a pod's start or removal.
 */
public final class SyscallHostMounts implements HostMounts {

    /** The two calls of C's library used here. */
    interface LibC extends Library {
        int mount(String source, String target, String type, long flags, String data) throws LastErrorException;

        int umount2(String target, int flags) throws LastErrorException;
    }

    private volatile LibC libc;

    @Override
    public boolean mounted(Path path) {
        try {
            String target = " " + path.toAbsolutePath() + " ";
            return Files.readAllLines(Path.of("/proc/mounts")).stream().anyMatch(l -> l.contains(target));
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void mountTmpfs(Path path, Long sizeBytes) throws IOException {
        String data = sizeBytes == null ? null : "size=" + sizeBytes;
        try {
            libc().mount("tmpfs", path.toString(), "tmpfs", 0, data);
        } catch (LastErrorException e) {
            throw new IOException("mount -t tmpfs" + (data == null ? "" : " -o " + data) + " tmpfs " + path + ": "
                    + strerror(e));
        }
    }

    @Override
    public void unmount(Path path) throws IOException {
        try {
            libc().umount2(path.toString(), 0);
        } catch (LastErrorException e) {
            throw new IOException("umount " + path + ": " + strerror(e));
        }
    }

    private LibC libc() throws IOException {
        LibC c = libc;
        if (c == null) {
            try {
                c = Native.load("c", LibC.class);
            } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
                throw new IOException("C's mount cannot be called: " + e.getMessage(), e);
            }
            libc = c;
        }
        return c;
    }

    /** JNA's message is "[errno] text": the text, with the number after it. */
    private static String strerror(LastErrorException e) {
        String m = e.getMessage() == null ? "" : e.getMessage().replaceFirst("^\\[\\d+\\]\\s*", "");
        return (m.isEmpty() ? "error" : m) + " (errno " + e.getErrorCode() + ")";
    }
}
