package io.segmentrelay.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmentrelay.support.TestDatabases;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Integrations that named the built-in sandbox by a URL with the port of the start that created
 * them are migrated to {@code sandbox:}; every other endpoint stays as it was (on H2, and on
 * PostgreSQL in the postgres run).
 */
@Tag("storage")
class SandboxEndpointMigrationTest {

  private static final MigrationVersion SANDBOX_MIGRATION = MigrationVersion.fromVersion("14");

  @Test
  void a_sandbox_integration_stored_with_a_port_becomes_the_sandbox_itself() {
    var dataSource = new DriverManagerDataSource(TestDatabases.freshUrl());
    // Up to the last version before the sandbox migration, whichever that is.
    var before = Arrays.stream(flyway(dataSource).load().info().all())
        .map(MigrationInfo::getVersion)
        .filter(v -> v.compareTo(SANDBOX_MIGRATION) < 0)
        .max(Comparator.naturalOrder())
        .orElseThrow();
    flyway(dataSource).target(before).load().migrate();
    var jdbc = JdbcClient.create(dataSource);
    jdbc.sql("INSERT INTO organizations VALUES ('org_1', 'Acme', 'hash', CURRENT_TIMESTAMP)").update();
    var endpoints = Map.of("int_sandbox", "http://localhost:8080/sandbox",
        "int_moved", "http://localhost:9191/sandbox", "int_segment", "https://api.segment.io",
        "int_extra", "http://127.0.0.1:9090");
    endpoints.forEach((id, endpoint) -> jdbc.sql("INSERT INTO integrations (id, organization_id,"
            + " type, name, write_key_enc, write_key_mask, endpoint, status, events, created_at,"
            + " updated_at) VALUES (?, 'org_1', 'segment', ?, 'enc', '…1234', ?, 'active', '{}',"
            + " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
        .params(id, id, endpoint).update());

    var migrated = flyway(dataSource).load().migrate();

    assertThat(migrated.success).isTrue();
    var stored = jdbc.sql("SELECT id, endpoint FROM integrations ORDER BY id")
        .query((rs, n) -> rs.getString(1) + " " + rs.getString(2)).list();
    assertThat(stored).containsExactly("int_extra http://127.0.0.1:9090", "int_moved sandbox:",
        "int_sandbox sandbox:", "int_segment https://api.segment.io");
  }

  private static FluentConfiguration flyway(DriverManagerDataSource dataSource) {
    return Flyway.configure().dataSource(dataSource).locations("classpath:db/migration")
        .placeholders(Map.of("identity_cache", ""));
  }
}
