package io.segmentrelay.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.env.MockEnvironment;

/** Weak root secrets stop the relay at start; generated ones are owner-only from creation. */
class WeakSecretsTest {

  private static final String GOOD_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

  @TempDir Path dir;

  @Test
  void refuses_a_short_operator_token_with_a_clear_message_that_does_not_show_it() {
    var failure = catchWeak(properties(GOOD_KEY, "a"));

    var analysis = new WeakSecretFailureAnalyzer().analyze(failure);
    assertThat(analysis.getDescription()).contains("RELAY_OPERATOR_TOKEN").contains("32");
    assertThat(analysis.getAction()).contains("openssl rand");
  }

  @Test
  void refuses_a_long_token_of_one_repeated_character_and_a_zero_master_key() {
    catchWeak(properties(GOOD_KEY, "a".repeat(40)));
    var zeros = catchWeak(properties("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "0123456789abcdef0123456789abcdef"));
    assertThat(zeros.variable()).isEqualTo("RELAY_MASTER_KEY");
    assertThat(catchWeak(properties("c2hvcnQ=", "0123456789abcdef0123456789abcdef")).variable())
        .isEqualTo("RELAY_MASTER_KEY");
  }

  @Test
  void accepts_strong_secrets() {
    var secrets = Secrets.load(properties(GOOD_KEY, "0123456789abcdef0123456789abcdef"), false);
    assertThat(secrets.isOperatorToken("0123456789abcdef0123456789abcdef")).isTrue();
  }

  @Test
  void generated_secrets_and_their_dir_are_owner_only() throws IOException {
    var dataDir = dir.resolve("data");
    Secrets.load(new RelayProperties(dataDir, null, null, null, "dev", null, null, null, null), true);

    assertThat(mode(dataDir)).isEqualTo("rwx------");
    assertThat(mode(dataDir.resolve("master.key"))).isEqualTo("rw-------");
    assertThat(mode(dataDir.resolve("operator-token.sha256"))).isEqualTo("rw-------");
  }

  @Test
  void the_embedded_database_file_is_created_owner_only_before_h2_opens_it() throws IOException {
    var environment = new MockEnvironment()
        .withProperty("spring.datasource.url", "jdbc:h2:file:" + dir.resolve("db/relay")
            + ";MODE=PostgreSQL")
        .withProperty("relay.data-dir", dir.resolve("db").toString());
    var dataDir = new DataDir();
    dataDir.setEnvironment(environment);

    dataDir.postProcessBeanFactory(null);

    assertThat(mode(dir.resolve("db"))).isEqualTo("rwx------");
    assertThat(mode(dir.resolve("db/relay.mv.db"))).isEqualTo("rw-------");
  }

  private static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  private WeakSecretException catchWeak(RelayProperties properties) {
    assertThatThrownBy(() -> Secrets.load(properties, false))
        .isInstanceOf(WeakSecretException.class);
    try {
      Secrets.load(properties, false);
      throw new AssertionError("unreachable");
    } catch (WeakSecretException e) {
      if (properties.operatorToken().length() > 8) {
        assertThat(e.getMessage()).doesNotContain(properties.operatorToken());
      }
      return e;
    }
  }

  private RelayProperties properties(String masterKey, String operatorToken) {
    return new RelayProperties(dir, masterKey, null, operatorToken, "dev", null, null, null, null);
  }
}
