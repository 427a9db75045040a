package io.segmentrelay.system;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Hashes for tokens and keys stored at rest. The tokens are 256-bit random values, so a fast hash
 * is enough: there is nothing to brute-force, and lookups stay one indexed query.
 */
public final class Hashing {

  private Hashing() {}

  public static String sha256(String value) {
    try {
      var digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK; its absence indicates a bug", e);
    }
  }

  /** Compares {@code token}'s hash with {@code expectedHash} in constant time. */
  public static boolean matches(String token, String expectedHash) {
    return MessageDigest.isEqual(
        sha256(token).getBytes(StandardCharsets.US_ASCII),
        expectedHash.getBytes(StandardCharsets.US_ASCII));
  }
}
