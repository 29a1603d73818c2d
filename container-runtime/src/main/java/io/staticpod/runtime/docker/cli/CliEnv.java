package io.staticpod.runtime.docker.cli;

import io.staticpod.runtime.docker.DockerEnv;
import io.staticpod.runtime.exec.EnvFile;
import io.staticpod.runtime.spi.ContainerConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A container's environment split by how each variable reaches {@code docker create}, so that no value is ever on
 * a command line where any local user reads it ({@code /proc/<pid>/cmdline}), in a log or in an error:
 * <ol>
 * <li>a variable that fits one line of an env file ({@link EnvFile#fits}) goes into a private {@code --env-file};</li>
 * <li>another (a multi-line value) is {@code -e NAME} with its value in the CLI process's own environment, which
 * only root reads;</li>
 * <li>except when the CLI itself would read that name ({@code DOCKER_HOST}, {@code HTTP_PROXY}, {@code HOME} …): such
 * a value goes on argv as {@code -e NAME=VALUE} for the moment the command runs, redacted wherever argv is quoted.</li>
 * </ol>
 * Names are deduplicated first, the later entry winning as in Kubernetes.
 *
 * @param fileLines  {@code NAME=VALUE} lines for {@code --env-file}
 * @param processEnv variables of the CLI process's environment, each named by a {@code -e NAME}
 * @param onArgv     {@code NAME=VALUE} arguments for {@code -e}
 * @param values     every value, for taking them out of error messages
 */
record CliEnv(List<String> fileLines, Map<String, String> processEnv, List<String> onArgv, List<String> values) {

    private static final Set<String> CLI_NAMES = Set.of("PATH", "HOME", "TMPDIR", "SHELL", "USER", "TERM", "TZ",
            "NO_COLOR", "LANG", "LANGUAGE", "COLUMNS", "LINES");
    private static final List<String> CLI_PREFIXES = List.of("DOCKER_", "LD_", "GO", "CGO_", "OTEL_", "XDG_",
            "BUILDX_", "BUILDKIT_", "NOTARY_", "SSL_", "LC_", "MALLOC_", "GLIBC_");

    static CliEnv of(ContainerConfig config) {
        Map<String, String> vars = DockerEnv.of(config);
        List<String> fileLines = new ArrayList<>();
        Map<String, String> processEnv = new LinkedHashMap<>();
        List<String> onArgv = new ArrayList<>();
        vars.forEach((name, value) -> {
            if (EnvFile.fits(name, value)) {
                fileLines.add(name + "=" + value);
            } else if (!cliReads(name)) {
                processEnv.put(name, value);
            } else {
                onArgv.add(name + "=" + value);
            }
        });
        return new CliEnv(List.copyOf(fileLines), Map.copyOf(processEnv), List.copyOf(onArgv),
                List.copyOf(vars.values()));
    }

    /** True for a name the docker CLI process would itself be influenced by. */
    static boolean cliReads(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        return CLI_NAMES.contains(upper) || upper.endsWith("_PROXY")
                || CLI_PREFIXES.stream().anyMatch(upper::startsWith);
    }
}
