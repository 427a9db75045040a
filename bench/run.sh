#!/usr/bin/env bash
# Runs the segment-relay vs analytics-java benchmark. Options are JVM system properties, e.g.
#   bench/run.sh -Dbench.events=20000 -Dbench.backlog=100000        (a quick smoke run)
# See BENCHMARKS.md for all of them. Needs JDK 21+ (JAVA_HOME) and, for the PostgreSQL runs, a
# PostgreSQL server at 127.0.0.1:5432 with trust auth for user postgres (-Dbench.pgServer/pgUser).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"

# Always measure the checkout as it is: rebuild the product jar from scratch (an incremental
# build keeps resources deleted since, such as an old migration).
echo "Building target/segment-relay.jar"
./mvnw -q -DskipTests clean package

./mvnw -q -f bench/pom.xml compile dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
CP="bench/target/classes:$(cat bench/target/classpath.txt)"

exec "$JAVA" -cp "$CP" -Dbench.root="$PWD" "$@" io.segmentrelay.bench.Bench
