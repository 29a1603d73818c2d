#!/bin/sh
# The probe behind docs/benchmarks.md "Docker Engine API client". Needs Docker, the two local test images, and the
# container-runtime module built (mvn -B -q -pl container-runtime -am package -DskipTests). Usage: run.sh [ROUNDS]
# Each client runs in its own JVM with the packaged launcher's options; the three alternate ROUNDS times (default 3)
# (CHAINS start paths each, default 20, then 100 relists of 10 pods). Then PairedProbe times the two API clients'
# start paths in one JVM, chain by chain in turn (PAIRED chains each, default 40), so that load weighs on both alike.
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
work=$(mktemp -d /tmp/spa-probe.XXXXXX)
trap 'rm -rf "$work"; docker ps -aq --filter label=spa.probe=docker-client | xargs -r docker rm -f >/dev/null' EXIT
mvn -B -q -f "$here/pom.xml" dependency:build-classpath -Dmdep.outputFile="$work/dj.cp"
mvn -B -q -f "$root/pom.xml" -pl container-runtime dependency:build-classpath -Dmdep.outputFile="$work/ours.cp" \
  -DincludeScope=runtime
cp -r "$root/container-runtime/target/classes" "$work/container-runtime"  # a build meanwhile cannot pull it away
ours="$work/container-runtime:$(cat "$work/ours.cp")"
dj=$(cat "$work/dj.cp")
javac -d "$work/ours" -cp "$ours" "$here/Chains.java" "$here/OursProbe.java"
javac -d "$work/dj" -cp "$dj" "$here/Chains.java" "$here/DockerJavaProbe.java"
javac -d "$work/cli" "$here/Chains.java" "$here/CliProbe.java"
javac -d "$work/paired" -cp "$ours:$dj" "$here/Chains.java" "$here/OursProbe.java" "$here/DockerJavaProbe.java" \
  "$here/PairedProbe.java"
opts="-XX:+UseSerialGC -Xms16m -Xmx64m -XX:MaxMetaspaceSize=64m -XX:ReservedCodeCacheSize=24m -XX:TieredStopAtLevel=1 -Xss512k -Xshare:auto"
for round in $(seq "${1:-3}"); do
  echo "round $round $(cut -d' ' -f1-3 /proc/loadavg)"
  # shellcheck disable=SC2086
  java $opts -cp "$work/ours:$ours" OursProbe 5 ${CHAINS:-20}
  # shellcheck disable=SC2086
  java $opts -cp "$work/dj:$dj" DockerJavaProbe 5 ${CHAINS:-20}
  # shellcheck disable=SC2086
  java $opts -cp "$work/cli" CliProbe 5 ${CHAINS:-20}
done
# shellcheck disable=SC2086
java $opts -cp "$work/paired:$ours:$dj" PairedProbe 5 "${PAIRED:-40}"
