package io.staticpod.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One run of a command of the agent's jar ({@code validate}, {@code status}, …): its exit code and output. */
record JarCommand(int exitCode, String stdout, String stderr) {

    static JarCommand run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
                ItEnvironment.AGENT_JAR.toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("command did not end: " + cmd);
        }
        JarCommand result = new JarCommand(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                new String(err, StandardCharsets.UTF_8));
        System.out.println("[" + String.join(" ", args) + "] exit " + result.exitCode + "\n" + result.stdout
                + result.stderr);
        return result;
    }
}
