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
#   -Xss512k                     thread stacks: ~40 threads (pod lanes, timers, HTTP)
#   -XX:+ExitOnOutOfMemoryError  a broken JVM exits and systemd restarts it (pods keep running)
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
# shellcheck disable=SC2086 # the options are words on purpose
exec "$java" -XX:+UseSerialGC -Xms16m -Xmx64m -Xmn6m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 \
  -XX:MaxMetaspaceSize=64m -XX:ReservedCodeCacheSize=24m -XX:TieredStopAtLevel=1 -Xss512k \
  -Dsun.reflect.inflationThreshold=2147483647 -XX:+ExitOnOutOfMemoryError -Xshare:auto \
  ${STATIC_POD_AGENT_JAVA_OPTS:-} -jar "$jar" "$@"
