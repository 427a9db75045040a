package io.segmentrelay.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The database a test context runs on, chosen by the system property {@code relay.test.db}: {@code
 * h2} (the embedded default, a file database in a temporary folder) or {@code postgres}. PostgreSQL
 * is the server at {@code RELAY_TEST_POSTGRES_URL} when that is set (CI uses the machine's), else
 * an embedded PostgreSQL started once per JVM. Each context gets a database of its own.
 */
public final class TestDatabases {

  private static EmbeddedPostgres embedded;

  private TestDatabases() {}

  public static boolean postgres() {
    return "postgres".equals(System.getProperty("relay.test.db", "h2"));
  }

  /** Registers a fresh database's URL for the context being built. */
  public static void register(DynamicPropertyRegistry registry) {
    var url = postgres() ? freshPostgres() : freshH2();
    registry.add("spring.datasource.url", () -> url);
  }

  /** A fresh database's JDBC URL. */
  public static String freshUrl() {
    return postgres() ? freshPostgres() : freshH2();
  }

  /** A fresh PostgreSQL database's JDBC URL, whatever {@code relay.test.db} says. */
  public static String freshPostgresUrl() {
    return freshPostgres();
  }

  private static String freshH2() {
    try {
      var dir = Files.createTempDirectory("relay-h2-");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
      return "jdbc:h2:file:" + dir.resolve("relay")
          + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(java.nio.file.Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort: a temporary folder left behind is harmless.
    }
  }

  private static synchronized String freshPostgres() {
    var server = serverUrl();
    var name = "relay_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (var connection = DriverManager.getConnection(server);
        var statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot create a test database on " + server, e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> dropQuietly(server, name)));
    return withDatabase(server, name);
  }

  /** Drops a test database at exit, so a shared server does not collect them. */
  private static void dropQuietly(String server, String name) {
    try (var connection = DriverManager.getConnection(server);
        var statement = connection.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (SQLException e) {
      // Best effort: the embedded server may already be gone, and its data with it.
    }
  }

  private static String serverUrl() {
    var configured = System.getenv("RELAY_TEST_POSTGRES_URL");
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    if (embedded == null) {
      try {
        embedded = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot start an embedded PostgreSQL", e);
      }
    }
    return embedded.getJdbcUrl("postgres", "postgres");
  }

  /** The server URL with its database replaced by {@code name}, keeping the parameters. */
  static String withDatabase(String serverUrl, String name) {
    int query = serverUrl.indexOf('?');
    var base = query < 0 ? serverUrl : serverUrl.substring(0, query);
    var params = query < 0 ? "" : serverUrl.substring(query);
    return base.substring(0, base.lastIndexOf('/') + 1) + name + params;
  }
}
