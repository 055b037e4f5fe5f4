#!/usr/bin/env bash
# Regenerates the quickstart's Spark event logs by running real Spark 4 workloads in local mode.
#   examples/quickstart/generate-event-logs.sh          (from anywhere; needs JDK 17+ and Maven)
# Output: workspaces/demo/cluster-logs/** (Databricks layout) and spark-apps/eventlogs/** (OSS layouts).
# Takes 1-3 minutes on 2 cores; reuses spark-jobs/target/lib when it already exists.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

if [ ! -d spark-jobs/target/lib ] || [ -z "$(ls spark-jobs/target/lib 2>/dev/null)" ]; then
  echo "Building the Spark classpath (mvn -q -pl spark-jobs -am package -DskipTests) ..."
  mvn -q -pl spark-jobs -am package -DskipTests
fi

scratch="$root/spark-jobs/target/quickstart-eventlogs"
mkdir -p "$scratch/tmp"

# Spark's module flags for Java 17 (org.apache.spark.launcher.JavaModuleOptions), see STACK.md.
java_opts=(
  -XX:+IgnoreUnrecognizedVMOptions --add-modules=jdk.incubator.vector
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true
  -Djava.io.tmpdir="$scratch/tmp" -Xmx2g
)

java "${java_opts[@]}" -cp "spark-jobs/target/lib/*" \
  --source 17 "$here/EventLogWorkloads.java" "$here" "$scratch/work" 2> "$scratch/spark.log" \
  || { echo "Spark workloads failed; see $scratch/spark.log" >&2; tail -n 40 "$scratch/spark.log" >&2; exit 1; }

du -ch "$here/workspaces/demo/cluster-logs" "$here/spark-apps/eventlogs" | tail -n 1
