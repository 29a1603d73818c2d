package io.staticpod.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One run of a command of the agent's jar ({@code validate}, {@code status}, …): its exit code and output. */
record JarCommand(int exitCode, String stdout, String stderr) {

    /**
     * Runs the command and waits for it at most a minute; one that does not end by then is killed and fails the
     * test. Its output goes to files, not pipes, so that a command that never ends cannot block the test reading.
     */
    static JarCommand run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
                ItEnvironment.AGENT_JAR.toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("jar-command", ".out");
        Path err = Files.createTempFile("jar-command", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("command did not end within 60 s: " + cmd + "; its output so far:\n"
                        + Files.readString(out, StandardCharsets.UTF_8)
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            JarCommand result = new JarCommand(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            System.out.println("[" + String.join(" ", args) + "] exit " + result.exitCode + "\n" + result.stdout
                    + result.stderr);
            return result;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
