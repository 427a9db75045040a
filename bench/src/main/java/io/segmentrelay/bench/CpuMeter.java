package io.segmentrelay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * CPU time used by each process of a run, from {@code /proc}: where a throughput run's CPU went,
 * per event, and how idle the machine was. Processes are summed by part (the relay, PostgreSQL's
 * processes, the sandbox, the sending client, the harness).
 */
final class CpuMeter {

  /** Linux reports process times in clock ticks of 1/100 s on every common configuration. */
  private static final double MS_PER_TICK = 10.0;

  /** CPU ticks per part at one moment, and the machine's busy and idle ticks (all cores). */
  record Snapshot(Map<String, Long> ticks, long machineBusy, long machineIdle) {}

  /** CPU use between two snapshots, in ms per 1,000 events per part, and the machine's idle share. */
  record Usage(Map<String, Double> msPerThousand, double idlePercent) {

    String describe() {
      return msPerThousand.entrySet().stream()
              .map(e -> String.format(Locale.ROOT, "%s %.0f", e.getKey(), e.getValue()))
              .collect(Collectors.joining(" · "))
          + String.format(Locale.ROOT, " (total %.0f; machine %.0f%% idle)",
              msPerThousand.values().stream().mapToDouble(Double::doubleValue).sum(), idlePercent);
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
    return new Snapshot(ticks, machine[0], machine[1]);
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
    return new Usage(ms, busy + idle == 0 ? 0 : 100.0 * idle / (busy + idle));
  }

  /** utime + stime of a process (all its threads), in ticks; 0 once it is gone. */
  static long processTicks(long pid) {
    try {
      var stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
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
