package io.segmentrelay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * CPU time used by each process of a run, from {@code /proc}: where a throughput run's CPU went,
 * per event, and how idle the machine was. Processes are summed by part (the relay, PostgreSQL's
 * processes, the sandbox, the sending client, the harness). For the first part, the JVM under test,
 * it also tells how much of its CPU went to its JIT compiler threads and its garbage collector's
 * threads: on a slow machine the JIT can still be compiling long after a warm-up.
 */
final class CpuMeter {

  /** Linux reports process times in clock ticks of 1/100 s on every common configuration. */
  private static final double MS_PER_TICK = 10.0;

  /** The JVM threads whose CPU is reported apart, by the start of their name. */
  private static final Map<String, List<String>> JVM_THREADS = Map.of(
      "JIT", List.of("C1 CompilerThre", "C2 CompilerThre"),
      "GC", List.of("GC Thread", "G1 ", "VM Thread"));

  /**
   * CPU ticks per part at one moment, the machine's busy and idle ticks (all cores), and per
   * {@link #JVM_THREADS} kind the ticks of each such thread of the first part (by thread id, since
   * the JVM may stop and start compiler threads).
   */
  record Snapshot(Map<String, Long> ticks, long machineBusy, long machineIdle,
      Map<String, Map<Long, Long>> jvmThreads) {}

  /**
   * CPU use between two snapshots, in ms per 1,000 events per part, the machine's idle share, and
   * the first part's JIT compiler and GC threads' share of it (ms per 1,000 events).
   */
  record Usage(Map<String, Double> msPerThousand, double idlePercent, Map<String, Double> jvmThreads) {

    String describe() {
      return msPerThousand.entrySet().stream()
              .map(e -> String.format(Locale.ROOT, "%s %.0f", e.getKey(), e.getValue()))
              .collect(Collectors.joining(" · "))
          + String.format(Locale.ROOT, " (total %.0f; machine %.0f%% idle)",
              msPerThousand.values().stream().mapToDouble(Double::doubleValue).sum(), idlePercent);
    }

    /** E.g. "JIT compiler 41, GC 12": the first part's CPU in those threads, per 1,000 events. */
    String describeJvm() {
      return String.format(Locale.ROOT, "JIT compiler %.0f, GC %.0f",
          jvmThreads.getOrDefault("JIT", 0.0), jvmThreads.getOrDefault("GC", 0.0));
    }
  }

  private final Map<String, Long> pids;

  /** {@code pids}: part name → process id, in the order they are reported. */
  CpuMeter(Map<String, Long> pids) {
    this.pids = pids;
  }

  Snapshot snapshot() {
    var ticks = new LinkedHashMap<String, Long>();
    pids.forEach((name, pid) -> ticks.put(name, processTicks(pid)));
    ticks.put("PostgreSQL", postgresTicks());
    long[] machine = machineTicks();
    return new Snapshot(ticks, machine[0], machine[1],
        jvmThreadTicks(pids.values().iterator().next()));
  }

  static Usage between(Snapshot before, Snapshot after, long events) {
    var ms = new LinkedHashMap<String, Double>();
    after.ticks().forEach((name, t) -> {
      long used = t - before.ticks().getOrDefault(name, 0L);
      if (used > 0 || !name.equals("PostgreSQL")) {
        ms.put(name, used * MS_PER_TICK * 1000.0 / events);
      }
    });
    long busy = after.machineBusy() - before.machineBusy();
    long idle = after.machineIdle() - before.machineIdle();
    var jvm = new LinkedHashMap<String, Double>();
    after.jvmThreads().forEach((kind, threads) -> {
      var was = before.jvmThreads().getOrDefault(kind, Map.of());
      long used = threads.entrySet().stream()
          .mapToLong(t -> Math.max(0, t.getValue() - was.getOrDefault(t.getKey(), 0L)))
          .sum();
      jvm.put(kind, used * MS_PER_TICK * 1000.0 / events);
    });
    return new Usage(ms, busy + idle == 0 ? 0 : 100.0 * idle / (busy + idle), jvm);
  }

  /** Per {@link #JVM_THREADS} kind, the ticks of each of the process's threads of that kind. */
  private static Map<String, Map<Long, Long>> jvmThreadTicks(long pid) {
    var kinds = new LinkedHashMap<String, Map<Long, Long>>();
    JVM_THREADS.keySet().forEach(kind -> kinds.put(kind, new LinkedHashMap<>()));
    try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      tasks.forEach(task -> {
        String name;
        try {
          name = Files.readString(task.resolve("comm")).trim();
        } catch (IOException e) {
          return; // the thread ended
        }
        JVM_THREADS.forEach((kind, prefixes) -> {
          if (prefixes.stream().anyMatch(name::startsWith)) {
            long tid = Long.parseLong(task.getFileName().toString());
            kinds.get(kind).put(tid, statTicks(task.resolve("stat")));
          }
        });
      });
    } catch (IOException | RuntimeException e) {
      // the process is gone: nothing to report
    }
    return kinds;
  }

  /** utime + stime of a process (all its threads), in ticks; 0 once it is gone. */
  static long processTicks(long pid) {
    return statTicks(Path.of("/proc/" + pid + "/stat"));
  }

  /** utime + stime from a {@code stat} file of a process or thread, in ticks; 0 once it is gone. */
  private static long statTicks(Path statFile) {
    try {
      var stat = Files.readString(statFile);
      var fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** The ticks of every process named {@code postgres} (the server and its backends). */
  private static long postgresTicks() {
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs
          .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .filter(p -> {
            try {
              return Files.readString(p.resolve("comm")).trim().equals("postgres");
            } catch (IOException e) {
              return false;
            }
          })
          .mapToLong(p -> processTicks(Long.parseLong(p.getFileName().toString())))
          .sum();
    } catch (IOException e) {
      return 0;
    }
  }

  /** Busy and idle ticks of all cores, from the first line of {@code /proc/stat}. */
  private static long[] machineTicks() {
    try {
      var f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      long busy = 0;
      for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
        busy += Long.parseLong(f[i]);
      }
      return new long[] {busy, idle};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }
}
