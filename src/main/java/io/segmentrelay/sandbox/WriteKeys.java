package io.segmentrelay.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Finds the write key of a request the way Segment does: Basic auth first, then the body. */
final class WriteKeys {

  private static final String BASIC = "basic ";

  private WriteKeys() {}

  /**
   * The write key named by the request, or null when it names none.
   *
   * @param authorization the Authorization header, or null
   * @param bodyWriteKey the body's {@code writeKey} field, or null
   */
  static String resolve(String authorization, String bodyWriteKey) {
    if (authorization != null && !authorization.isBlank()) {
      return fromBasicAuth(authorization.strip());
    }
    return (bodyWriteKey == null || bodyWriteKey.isEmpty()) ? null : bodyWriteKey;
  }

  private static String fromBasicAuth(String header) {
    if (header.length() <= BASIC.length()
        || !header.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
      return null;
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(header.substring(BASIC.length()).strip()),
              StandardCharsets.UTF_8);
    } catch (IllegalArgumentException ex) {
      return null;
    }
    // The key is the user name; Segment's password is empty but some clients send one anyway.
    int colon = decoded.indexOf(':');
    String user = (colon < 0) ? decoded : decoded.substring(0, colon);
    return user.isEmpty() ? null : user;
  }
}
