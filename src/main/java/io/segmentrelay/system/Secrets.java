package io.segmentrelay.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The relay's two root secrets: the master key that encrypts write keys (and, during a rotation,
 * the previous one), and the hash of the operator token. Given by the environment, or in embedded
 * mode generated once into the data dir (files readable by the owner only), the operator token
 * printed once at first start.
 */
public final class Secrets {

  private static final String MASTER_KEY_FILE = "master.key";
  private static final String OPERATOR_TOKEN_FILE = "operator-token.sha256";

  private final byte[] masterKey;
  private final byte[] previousMasterKey;
  private final String operatorTokenHash;

  private Secrets(byte[] masterKey, byte[] previousMasterKey, String operatorTokenHash) {
    this.masterKey = masterKey;
    this.previousMasterKey = previousMasterKey;
    this.operatorTokenHash = operatorTokenHash;
  }

  public byte[] masterKey() {
    return masterKey.clone();
  }

  /** The master key before a rotation ({@code RELAY_MASTER_KEY_PREVIOUS}), if one is given. */
  public Optional<byte[]> previousMasterKey() {
    return Optional.ofNullable(previousMasterKey).map(byte[]::clone);
  }

  /** Whether {@code token} is the operator token, compared in constant time. */
  public boolean isOperatorToken(String token) {
    return Hashing.matches(token, operatorTokenHash);
  }

  /**
   * Reads the secrets from the properties or, when {@code embedded}, from (or into) the data dir.
   *
   * @throws IllegalStateException when a secret is missing outside embedded mode
   */
  public static Secrets load(RelayProperties properties, boolean embedded) {
    byte[] masterKey =
        properties.masterKey() != null && !properties.masterKey().isBlank()
            ? decodeMasterKey(properties.masterKey(), "RELAY_MASTER_KEY")
            : generatedMasterKey(properties.dataDir(), embedded);
    byte[] previous =
        properties.masterKeyPrevious() != null && !properties.masterKeyPrevious().isBlank()
            ? decodeMasterKey(properties.masterKeyPrevious(), "RELAY_MASTER_KEY_PREVIOUS")
            : null;
    String operatorHash =
        properties.operatorToken() != null && !properties.operatorToken().isBlank()
            ? Hashing.sha256(strongOperatorToken(properties.operatorToken()))
            : generatedOperatorTokenHash(properties.dataDir(), embedded);
    return new Secrets(masterKey, previous, operatorHash);
  }

  /** The shortest operator token accepted. */
  public static final int MIN_TOKEN_CHARS = 32;

  private static String strongOperatorToken(String token) {
    var trimmed = token.strip();
    if (trimmed.length() < MIN_TOKEN_CHARS || trimmed.chars().distinct().count() < 8) {
      throw new WeakSecretException("RELAY_OPERATOR_TOKEN",
          "must be at least " + MIN_TOKEN_CHARS + " characters of a random value (it has "
              + trimmed.length() + ")",
          "export RELAY_OPERATOR_TOKEN=$(openssl rand -hex 32)");
    }
    return token;
  }

  private static byte[] decodeMasterKey(String base64, String variable) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(base64.trim());
    } catch (IllegalArgumentException e) {
      throw new WeakSecretException(variable, "must be base64 of 32 random bytes",
          newKey(variable));
    }
    // 256 bits, and not a constant filler such as all zeros.
    if (key.length != 32 || distinctBytes(key) < 8) {
      throw new WeakSecretException(variable,
          "must be base64 of 32 random bytes (256 bits), got " + key.length + " bytes"
              + (key.length == 32 ? " of too few distinct values" : ""),
          newKey(variable));
    }
    return key;
  }

  private static String newKey(String variable) {
    return variable.startsWith("RELAY_") ? "export " + variable + "=$(openssl rand -base64 32)"
        : "openssl rand -base64 32 > " + variable;
  }

  private static long distinctBytes(byte[] key) {
    var seen = new java.util.BitSet(256);
    for (byte b : key) {
      seen.set(b & 0xff);
    }
    return seen.cardinality();
  }

  private static byte[] generatedMasterKey(Path dataDir, boolean embedded) {
    requireEmbedded(embedded, "RELAY_MASTER_KEY");
    var file = dataDir.resolve(MASTER_KEY_FILE);
    if (Files.exists(file)) {
      return decodeMasterKey(read(file), file.toString());
    }
    var key = new byte[32];
    new SecureRandom().nextBytes(key);
    writeOwnerOnly(file, Base64.getEncoder().encodeToString(key));
    return key;
  }

  private static String generatedOperatorTokenHash(Path dataDir, boolean embedded) {
    requireEmbedded(embedded, "RELAY_OPERATOR_TOKEN");
    var file = dataDir.resolve(OPERATOR_TOKEN_FILE);
    if (Files.exists(file)) {
      return read(file).trim();
    }
    var token = Ids.token("sro");
    writeOwnerOnly(file, Hashing.sha256(token));
    // Printed to the console, never to the log: this is the only time the token is shown.
    System.out.print(operatorTokenBanner(token, file));
    return Hashing.sha256(token);
  }

  /** A framed block, so that the one sight of the token stands out among the start's log lines. */
  static String operatorTokenBanner(String token, Path file) {
    var rule = "=".repeat(Math.max(72, token.length() + 8));
    return String.join(
        System.lineSeparator(),
        "",
        rule,
        "  OPERATOR TOKEN (shown only this once; it creates organizations):",
        "",
        "    " + token,
        "",
        "  Keep it safe: only its hash is kept, in " + file + ".",
        "  Lost it? Stop the relay, delete that file and start again for a new one.",
        rule,
        "",
        "");
  }

  private static void requireEmbedded(boolean embedded, String variable) {
    if (!embedded) {
      throw new IllegalStateException(
          variable + " must be set when the relay runs on an external database");
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  private static void writeOwnerOnly(Path file, String content) {
    DataDir.createOwnerOnly(file.getParent());
    DataDir.writeNewOwnerOnly(file, content.getBytes(StandardCharsets.UTF_8));
  }
}
