package io.segmentrelay.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.segmentrelay.system.Hashing;
import io.segmentrelay.support.TestDatabases;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The admin tokens and ingest keys of a database from before credentials had a table of their
 * own keep working after the upgrade (on H2, and on PostgreSQL in the postgres run).
 */
@Tag("storage")
class CredentialsMigrationTest {

  @Test
  void tokens_and_keys_created_before_the_upgrade_become_credentials() {
    var dataSource = new DriverManagerDataSource(TestDatabases.freshUrl());
    flyway(dataSource).target("1").load().migrate();
    var jdbc = JdbcClient.create(dataSource);
    jdbc.sql("INSERT INTO organizations VALUES ('org_1', 'Acme', ?, CURRENT_TIMESTAMP)")
        .param(Hashing.sha256("sra_old")).update();
    jdbc.sql("INSERT INTO apps VALUES ('app_1', 'org_1', 'Web', ?, CURRENT_TIMESTAMP)")
        .param(Hashing.sha256("sri_old")).update();

    assertThat(flyway(dataSource).load().migrate().success).isTrue();

    var rows = jdbc.sql("SELECT kind, organization_id, app_id, token_hash, mask FROM credentials"
            + " ORDER BY kind")
        .query((rs, n) -> String.join(" ", rs.getString(1), rs.getString(2),
            String.valueOf(rs.getString(3)), rs.getString(4), rs.getString(5)))
        .list();
    assertThat(rows).containsExactly(
        "admin org_1 null " + Hashing.sha256("sra_old") + " sra_…",
        "ingest org_1 app_1 " + Hashing.sha256("sri_old") + " sri_…");
    assertThat(jdbc.sql("SELECT COUNT(*) FROM apps WHERE deleted_at IS NULL").query(Long.class)
        .single()).isEqualTo(1);
  }

  private static FluentConfiguration flyway(DataSource dataSource) {
    return Flyway.configure().dataSource(dataSource).locations("classpath:db/migration")
        .placeholders(Map.of("identity_cache", ""));
  }
}
