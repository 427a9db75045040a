package io.segmentrelay.system;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Identifiers: random public ids with a type prefix, and name-based UUIDs (v5). */
public final class Ids {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALPHABET =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();

  private Ids() {}

  /** A random id such as {@code int_3fK9…} with 22 base62 characters (about 131 bits). */
  public static String random(String prefix) {
    var chars = new char[22];
    fillRandom(chars);
    return prefix + "_" + new String(chars);
  }

  /**
   * An id that sorts by creation time: 9 characters of the epoch millisecond in base 36 (digits
   * and lower-case letters, which sort alike in every collation), 4 of a counter of this process
   * in base 36, so that ids made in the same millisecond sort in the order they were made, then 9
   * random base62 ones (about 53 bits). Rows keyed by it are appended at the end of their index
   * instead of at random places, which keeps inserts cheap on tables that grow by the million.
   *
   * <p>The random part only keeps the ids of different nodes apart; nothing relies on it being
   * unpredictable, so it comes from the calling thread's own generator instead of the shared
   * secure one, which every ingested delivery would otherwise queue for.
   */
  public static String timeOrdered(String prefix, long epochMillis) {
    var chars = new char[22];
    base36(chars, 0, 9, epochMillis);
    base36(chars, 9, 4, COUNTER.getAndIncrement());
    var random = ThreadLocalRandom.current();
    for (int i = 13; i < chars.length; i++) {
      chars[i] = ALPHABET[random.nextInt(ALPHABET.length)];
    }
    return prefix + "_" + new String(chars);
  }

  private static final java.util.concurrent.atomic.AtomicLong COUNTER =
      new java.util.concurrent.atomic.AtomicLong();

  /** {@code value} in {@code width} base-36 digits (its lowest ones) at {@code from}. */
  private static void base36(char[] chars, int from, int width, long value) {
    long rest = value;
    for (int i = from + width - 1; i >= from; i--) {
      chars[i] = ALPHABET[(int) Math.floorMod(rest, 36L)];
      rest /= 36;
    }
  }

  private static void fillRandom(char[] chars) {
    // One call into the (synchronized) generator per id, not one per character. Bytes of 248 and
    // up are skipped, so each of the 62 characters stays equally likely.
    var bytes = new byte[32];
    int filled = 0;
    while (filled < chars.length) {
      RANDOM.nextBytes(bytes);
      for (int i = 0; i < bytes.length && filled < chars.length; i++) {
        int b = bytes[i] & 0xff;
        if (b < 248) {
          chars[filled++] = ALPHABET[b % ALPHABET.length];
        }
      }
    }
  }

  /** A random secret token: the prefix then 32 random bytes, hex. */
  public static String token(String prefix) {
    var bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return prefix + "_" + HexFormat.of().formatHex(bytes);
  }

  /** RFC 9562 name-based UUID, version 5 (SHA-1). */
  public static UUID uuidV5(UUID namespace, String name) {
    try {
      // A copy of a ready digest: cheaper than looking the algorithm up for every message id.
      var sha1 = (MessageDigest) SHA1.clone();
      sha1.update(toBytes(namespace));
      var hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
      hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
      hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
      long msb = 0;
      long lsb = 0;
      for (int i = 0; i < 8; i++) {
        msb = (msb << 8) | (hash[i] & 0xff);
        lsb = (lsb << 8) | (hash[i + 8] & 0xff);
      }
      return new UUID(msb, lsb);
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("The JDK's SHA-1 digest can be copied; this indicates a bug", e);
    }
  }

  private static final MessageDigest SHA1 = sha1();

  private static MessageDigest sha1() {
    try {
      return MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is part of every JDK; its absence indicates a bug", e);
    }
  }

  private static byte[] toBytes(UUID uuid) {
    var bytes = new byte[16];
    long msb = uuid.getMostSignificantBits();
    long lsb = uuid.getLeastSignificantBits();
    for (int i = 0; i < 8; i++) {
      bytes[i] = (byte) (msb >>> (56 - 8 * i));
      bytes[i + 8] = (byte) (lsb >>> (56 - 8 * i));
    }
    return bytes;
  }
}
