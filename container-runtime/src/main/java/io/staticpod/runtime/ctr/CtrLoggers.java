package io.staticpod.runtime.ctr;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shim's logger of a container ({@code ctr tasks start --log-uri binary://…}): a process the shim starts with the
 * container's stdout on fd 3 and stderr on fd 4, which says it is ready by closing fd 5, and which the shim waits for
 * when the task is deleted, so the output outlives the agent and containerd restarts.
 *
 * <p>{@value #CRI}: a small Perl program (perl-base is Essential on Debian) writes each line in the CRI log format,
 * {@code <RFC 3339 time, ns> <stdout|stderr> <F|P> <text>}, the time being when the logger read it; a line longer
 * than 16 KiB, or the last bytes before an exit without a line end, are {@code P}artial. Sub-second times come from
 * Time::HiRes where the full perl is installed, else from the {@code clock_gettime} system call (amd64, arm64).
 * {@value #PLAIN} (no perl on the node, a WARN says so once): two {@code cat}s append both streams as they come,
 * without times ({@link CtrFlags#logUri}). The format chosen is kept on the container ({@link CtrLabels#LOG_FORMAT}).
 */
final class CtrLoggers {

    private static final Logger log = LoggerFactory.getLogger(CtrLoggers.class);

    static final String CRI = "cri";
    static final String PLAIN = "plain";
    /** The longest text of one log line; longer lines are cut into partial lines, as CRI runtimes do. */
    static final int MAX_TEXT = 16 * 1024;

    private final Path perl;
    private final boolean cri;
    private final int clockGettime;

    /** @param perl the interpreter ({@code /usr/bin/perl}); without it logs are {@value #PLAIN} */
    CtrLoggers(Path perl) {
        this.perl = perl;
        this.cri = Files.isExecutable(perl);
        this.clockGettime = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> 228;
            case "aarch64" -> 113;
            default -> 0;
        };
        if (!cri) {
            log.warn("No perl on this node; container logs are written without times and with stdout and stderr"
                    + " mixed (install perl-base) perl={}", perl);
        }
    }

    /** The format new containers get. */
    String format() {
        return cri ? CRI : PLAIN;
    }

    /** The log URI for a container whose log is {@code format} (null: written before formats were kept: plain). */
    String uri(String format, Path logFile) {
        return CRI.equals(format) ? criUri(logFile) : CtrFlags.logUri(logFile);
    }

    String criUri(Path logFile) {
        String file = "'" + logFile.toString().replace("\\", "\\\\").replace("'", "\\'") + "'";
        String script = "use strict; use warnings; use IO::Select; use POSIX ();"
                + " open(my $log, '>>', " + file + ") or die \"cannot open the log: $!\";"
                + " open(my $out, '<&=', 3) or die; open(my $err, '<&=', 4) or die; POSIX::close(5);"
                + " my $now = eval { require Time::HiRes; sub { my ($s, $us) = Time::HiRes::gettimeofday();"
                + " ($s, $us * 1000) } } || (" + clockGettime + " ? sub { my $t = pack('q2', 0, 0);"
                + " syscall(" + clockGettime + ", 0, $t) == 0 ? unpack('q2', $t) : (time, 0) } : sub { (time, 0) });"
                + " my %name = (fileno($out) => 'stdout', fileno($err) => 'stderr');"
                + " my %buf = (stdout => '', stderr => '');"
                + " sub line { my ($stream, $tag, $text) = @_;"
                + " while (length $text > " + MAX_TEXT + ") { line($stream, 'P', substr($text, 0, " + MAX_TEXT + ", '')); }"
                + " my ($s, $ns) = $now->();"
                + " syswrite($log, POSIX::strftime('%Y-%m-%dT%H:%M:%S', gmtime $s) . sprintf('.%09dZ', $ns)"
                + " . \" $stream $tag $text\\n\"); }"
                + " my $select = IO::Select->new($out, $err);"
                + " while ($select->count) { for my $h ($select->can_read) { my $stream = $name{fileno $h};"
                + " my $n = sysread($h, my $chunk, 65536);"
                + " if (!$n) { line($stream, 'P', $buf{$stream}) if length $buf{$stream}; $buf{$stream} = '';"
                + " $select->remove($h); next; }"
                + " $buf{$stream} .= $chunk;"
                + " while ((my $i = index($buf{$stream}, \"\\n\")) >= 0) {"
                + " line($stream, 'F', substr($buf{$stream}, 0, $i)); substr($buf{$stream}, 0, $i + 1) = ''; }"
                + " while (length $buf{$stream} >= " + MAX_TEXT + ") {"
                + " line($stream, 'P', substr($buf{$stream}, 0, " + MAX_TEXT + ", '')); } } }";
        return "binary://" + perl + "?-e=" + URLEncoder.encode(script, StandardCharsets.UTF_8);
    }
}
