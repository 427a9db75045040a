#!/usr/bin/env bash
# Measures two product jars side by side on this machine: runs the relay phases of the benchmark
# for each jar in turn, A B B A, and prints the main rows of every report together.
#   bench/compare.sh OLD.jar NEW.jar                          (h2 and postgres, default sizes)
#   bench/compare.sh OLD.jar NEW.jar -Dbench.phases=h2 -Dbench.events=50000
# Reports and logs go to a temporary directory, printed at the end; the checkout stays clean.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME
old=$(realpath "$1") new=$(realpath "$2")
shift 2
out=$(mktemp -d -t segment-relay-compare-XXXX)

./mvnw -q -f bench/pom.xml compile dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
CP="bench/target/classes:$(cat bench/target/classpath.txt)"

run() { # label jar [options]
  local label=$1 jar=$2
  shift 2
  mkdir -p "$out/$label"
  "$JAVA_HOME/bin/java" -cp "$CP" -Dbench.root="$PWD" -Dbench.jar="$jar" -Dbench.results="$out/$label" \
    -Dbench.phases=h2,postgres "$@" io.segmentrelay.bench.Bench > "$out/$label.log" 2>&1
}
run 1-old "$old" "$@"
run 2-new "$new" "$@"
run 3-new "$new" "$@"
run 4-old "$old" "$@"

for report in "$out"/*/*.md; do
  echo "## $(basename "$(dirname "$report")")"
  grep -E '^\| (Measure|Accepted events|Delivered events|CPU calibration|Latency 202|Peak RSS|Requests to the sandbox)' "$report" || true
  grep -E '^Machine:' "$report" | sed 's/.*CPU calibration/CPU calibration/' || true
  echo
done
echo "Reports and logs: $out"
