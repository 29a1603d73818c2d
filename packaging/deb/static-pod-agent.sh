#!/bin/sh
# /usr/bin/static-pod-agent: the agent's jar on a Java 17 runtime, with JVM options for a small, steady footprint.
# The same jar has the commands: static-pod-agent validate FILE|DIR..., status [--json], version.
#
# JVM options (measured figures in the README, "Resource use"):
#   -XX:+UseSerialGC             one GC thread, no concurrent GC structures: the heap is small and pauses are
#                                a few ms; G1's remembered sets and threads cost more RSS than they save here
#   -Xms16m -Xmx64m              the agent's live data is a few MiB per hundred pods; a cap keeps RSS steady
#   -Xmn6m                       a small young generation: every page of eden is touched between two collections,
#                                and the agent allocates slowly (11 MiB less RSS at 50 pods, same CPU)
#   -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20
#                                the old generation sized to its live data plus 10-20 %, not 40-70 %: its
#                                live data hardly grows once the pods run
#   -Dsun.reflect.inflationThreshold=2147483647
#                                reflective calls (JSON binding) stay on the JVM's own accessor instead of one
#                                generated class each after 15 calls (~270 classes, 1 MiB of class metadata)
#                                (these two: 5 MiB less RSS at 50 pods, same CPU during a 50-pod start)
#   -XX:MaxMetaspaceSize=64m     bounded class metadata (about 36 MiB used with the API server client loaded)
#   -XX:ReservedCodeCacheSize=24m -XX:TieredStopAtLevel=1
#                                C1 only: the agent is I/O-bound (it waits on the runtime); C2's
#                                compiler threads and code cache are the largest avoidable RSS
#   -XX:CompileThresholdScaling=4
#                                a method is compiled after four times as many calls: what runs once per pod
#                                or per pass stays interpreted, the hot paths (JSON, HTTP) are compiled all the
#                                same; compiled code 6.6 MiB instead of 10.6, 4-5 MiB less RSS at 50 pods, with
#                                the same start, restart and 50-pod times in the benchmark
#   -Xss512k                     thread stacks: ~40 threads (pod lanes, timers, HTTP)
#   -XX:+ExitOnOutOfMemoryError  a broken JVM exits and systemd restarts it (pods keep running)
#   -XX:TrimNativeHeapInterval=10000
#                                every 10 s, C's allocator gives back what the JVM freed (parsers, compiler
#                                arenas after a mass start): 4 MiB less RSS at 50 pods (Java 17.0.9 and later)
# Class-data sharing of the agent's own classes: the first start records which classes the agent loads
# (-XX:DumpLoadedClassList), the next one builds an archive of them in the background at low priority (a few
# seconds of CPU), and every start after it maps that archive (-XX:SharedArchiveFile) instead of reading and
# parsing those classes again: 5 MiB less RSS at 50 pods and a faster start. One archive per jar and Java runtime,
# under STATIC_POD_AGENT_CDS_DIR (default /var/cache/static-pod-agent/cds; empty: off); an archive that does not
# fit is ignored by the JVM, which then loads every class as usual.
# Override or extend with STATIC_POD_AGENT_JAVA_OPTS (in /etc/default/static-pod-agent), pick the runtime with
# JAVA_HOME. Commands (validate, status, version) start with a small heap and no option tuning.
set -e
here=$(dirname "$(readlink -f "$0")")
jar=${STATIC_POD_AGENT_JAR:-$here/../lib/static-pod-agent/static-pod-agent.jar}
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  java=$JAVA_HOME/bin/java
else
  java=
  for candidate in /usr/lib/jvm/java-17-openjdk-*/bin/java /usr/lib/jvm/java-1.17.0-openjdk-*/bin/java; do
    if [ -x "$candidate" ]; then java=$candidate; break; fi
  done
  [ -n "$java" ] || java=java
fi
case "${1:-}" in
  validate|status|version|help)
    exec "$java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -jar "$jar" "$@" ;;
esac
jdk=$(dirname "$(dirname "$(readlink -f "$(command -v "$java")")")")
extra=
patch=$(sed -n 's/^JAVA_VERSION="17\.0\.\([0-9]*\).*/\1/p' "$jdk/release" 2>/dev/null || true)
if [ -n "$patch" ] && [ "$patch" -ge 9 ]; then extra=-XX:TrimNativeHeapInterval=10000; fi
cds=${STATIC_POD_AGENT_CDS_DIR-/var/cache/static-pod-agent/cds}
if [ -n "$cds" ] && mkdir -p "$cds" 2>/dev/null && [ -w "$cds" ]; then
  key=$(stat -L -c '%n %s %Y' "$jar" "$jdk/lib/server/libjvm.so" "$jdk/lib/modules" 2>/dev/null | cksum | cut -d' ' -f1)
  base=$cds/agent-$key
  # an archive being built for ten minutes is one whose builder died
  find "$cds" -maxdepth 1 -name "agent-$key.*.jsa" -mmin +10 -exec rm -f {} + 2>/dev/null || true
  if [ -s "$base.jsa" ]; then
    extra="$extra -XX:SharedArchiveFile=$base.jsa"
  elif [ ! -e "$base.failed" ] && ! ls "$base".*.jsa >/dev/null 2>&1; then
    # the longest list that an agent which has ended recorded (its last line may be cut short); the others go
    best= lines=0
    for list in "$base".*.classlist; do
      [ -f "$list" ] || continue
      pid=${list%.classlist}; pid=${pid##*.}
      if kill -0 "$pid" 2>/dev/null; then continue; fi
      n=$(wc -l < "$list")
      if [ "$n" -gt "$lines" ]; then
        [ -z "$best" ] || rm -f "$best"
        best=$list lines=$n
      else
        rm -f "$list"
      fi
    done
    if [ "$lines" -ge 4000 ]; then
      sed '$d' "$best" > "$base.classlist" && rm -f "$best"
      # archives and lists of other jars or runtimes go once an hour old
      find "$cds" -maxdepth 1 -name 'agent-*' ! -name "agent-$key*" -mmin +60 -exec rm -f {} + 2>/dev/null || true
      # built by a grandchild, so that no child is left for the agent's JVM to reap
      ( ( nice -n 19 "$java" -Xshare:dump -XX:SharedClassListFile="$base.classlist" \
            -XX:SharedArchiveFile="$base.$$.jsa" -cp "$jar" > "$base.log" 2>&1 \
            && mv "$base.$$.jsa" "$base.jsa" || { rm -f "$base.$$.jsa"; touch "$base.failed"; } ) \
          < /dev/null > /dev/null 2>&1 & )
    else
      [ -z "$best" ] || rm -f "$best"
      extra="$extra -XX:DumpLoadedClassList=$base.$$.classlist"
    fi
  fi
fi
# shellcheck disable=SC2086 # the options are words on purpose
exec "$java" -XX:+UseSerialGC -Xms16m -Xmx64m -Xmn6m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 \
  -XX:MaxMetaspaceSize=64m -XX:ReservedCodeCacheSize=24m -XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=4 \
  -Xss512k -Dsun.reflect.inflationThreshold=2147483647 -XX:+ExitOnOutOfMemoryError -Xshare:auto \
  $extra ${STATIC_POD_AGENT_JAVA_OPTS:-} -jar "$jar" "$@"
