#!/usr/bin/env bash
# Runs the home server benchmark (docs/performance.md). Builds nothing: run
#   ./mvnw -DskipTests install
# first. Every argument goes to the benchmark (bench/run.sh --help lists them), e.g.
#   bench/run.sh --databases postgres --sizes 1000,100000
# JVM options: BENCH_JAVA_OPTS (default -Xms4g -Xmx4g: a heap that does not resize mid-run).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if [[ ! -d bench/target/classes/org/sealpost/bench ]]; then
  echo "bench/run.sh: bench is not built; run ./mvnw -DskipTests install first" >&2
  exit 1
fi

# The module's runtime classpath, resolved from the local repository (where install put the other
# modules); java rather than exec:java so the benchmark has a JVM of its own, not Maven's.
classpath_file="$root/bench/target/runtime-classpath.txt"
./mvnw -q -pl bench dependency:build-classpath \
  -Dmdep.includeScope=runtime -Dmdep.outputFile="$classpath_file" >&2

classpath="$root/bench/target/classes:$(cat "$classpath_file")"

exec java ${BENCH_JAVA_OPTS:--Xms4g -Xmx4g} -cp "$classpath" \
  org.sealpost.bench.Main "$@"
