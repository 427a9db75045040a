package io.segmentrelay.chaos;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL server of the test's own, on its own port and data directory, that the test may
 * stop and start again: the machine's shared server is never restarted. It runs the installed
 * PostgreSQL's binaries (as the {@code postgres} user when the test runs as root, which PostgreSQL
 * refuses), or else an embedded PostgreSQL on a data directory that outlives its restarts.
 */
final class ScratchPostgres implements AutoCloseable {

  private final Path dir;
  private final int port;
  private final Path bin;
  private final boolean root;
  private EmbeddedPostgres embedded;

  ScratchPostgres(int port) {
    try {
      // Its own folder, not a test's private one: the postgres user must be able to reach it.
      this.dir = Files.createTempDirectory("relay-scratch-postgres-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.port = port;
    this.bin = installedBinaries();
    this.root = "root".equals(System.getProperty("user.name"));
  }

  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
  }

  void start() {
    if (bin == null) {
      startEmbedded();
      return;
    }
    var data = dir.resolve("data");
    if (!Files.exists(data)) {
      run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
          "--auth=trust", "-E", "UTF8", "--no-sync"));
    }
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
        dir.resolve("postgres.log").toString(), "-w", "-t", "60", "-o",
        "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "start"));
  }

  /** A fast shutdown: open connections are cut, as in a restart of the server. */
  void stop() {
    if (bin == null) {
      try {
        embedded.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return;
    }
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
        "-m", "fast", "-w", "-t", "60", "stop"));
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (RuntimeException e) {
      // Already stopped.
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort: a temporary folder left behind is harmless.
    }
  }

  private void startEmbedded() {
    try {
      embedded = EmbeddedPostgres.builder()
          .setDataDirectory(dir.resolve("data"))
          .setCleanDataDirectory(false)
          .setPort(port)
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void run(List<String> command) {
    var full = new ArrayList<String>();
    if (root) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    try {
      if (root) {
        new ProcessBuilder("chown", "-R", "postgres", dir.toString()).inheritIO().start().waitFor();
      }
      var process = new ProcessBuilder(full).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("commands.log").toFile()))
          .start();
      if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("Failed: " + String.join(" ", full) + "\n"
            + Files.readString(dir.resolve("commands.log")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The newest installed PostgreSQL's bin directory (Debian's layout), or null. */
  private static Path installedBinaries() {
    var root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return null;
    }
    try (var versions = Files.list(root)) {
      return versions.map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("pg_ctl")) && Files.isExecutable(b.resolve("initdb")))
          .max(Comparator.comparingInt(b -> Integer.parseInt(
              b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
          .orElse(null);
    } catch (IOException e) {
      return null;
    }
  }
}
