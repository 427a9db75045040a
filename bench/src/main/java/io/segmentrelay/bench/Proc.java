package io.segmentrelay.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A child process of the benchmark (relay, sandbox, analytics-java sender) and its memory. */
final class Proc implements AutoCloseable {

  private static final List<Proc> LIVE = new CopyOnWriteArrayList<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Proc::close)));
  }

  final String name;
  final Process process;
  final Path log;

  private Proc(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code java <jvmArgs> <args>} with the same JVM as the benchmark. */
  static Proc java(
      String name, List<String> jvmArgs, List<String> args, Map<String, String> env, Path log,
      boolean pipeStdio) {
    var command = new ArrayList<String>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmArgs);
    command.addAll(args);
    var builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    try {
      Files.createDirectories(log.getParent());
      if (pipeStdio) {
        builder.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
      } else {
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      }
      var proc = new Proc(name, builder.start(), log);
      LIVE.add(proc);
      return proc;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  long pid() {
    return process.pid();
  }

  /** Peak resident set size so far (VmHWM), in bytes; -1 once the process is gone. */
  long peakRss() {
    return status("VmHWM:");
  }

  /** Current resident set size (VmRSS), in bytes; -1 once the process is gone. */
  long rss() {
    return status("VmRSS:");
  }

  private long status(String field) {
    try {
      for (var line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone
    }
    return -1;
  }

  void requireAlive() {
    if (!process.isAlive()) {
      throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
    }
  }

  /** SIGTERM, then SIGKILL after 30 s. */
  @Override
  public void close() {
    LIVE.remove(this);
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
