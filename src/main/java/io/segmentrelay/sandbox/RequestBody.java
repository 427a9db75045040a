package io.segmentrelay.sandbox;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * A request body as Segment reads it: gzip is undone whatever the content type says (the Kotlin
 * library sends gzip as {@code text/plain}, RudderStack as a form), and the size limit applies to
 * what it decompresses to. Decompression stops one byte past the limit, so a gzip bomb costs no
 * more memory than an honest body of the largest allowed size.
 *
 * @param bytes the decoded body, or null when {@code error} is set
 * @param error why the body cannot be read, or null
 */
record RequestBody(byte[] bytes, String error) {

  /** Segment's limit for one request body, after decompression: 500 KB. */
  static final int MAX_BYTES = 512_000;

  /**
   * @param raw the body as received
   * @param contentEncoding the Content-Encoding header, or null
   */
  static RequestBody decode(byte[] raw, String contentEncoding) {
    if (!gzipped(raw, contentEncoding)) {
      return (raw.length > MAX_BYTES) ? tooLarge() : new RequestBody(raw, null);
    }
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
      byte[] decoded = in.readNBytes(MAX_BYTES + 1);
      return (decoded.length > MAX_BYTES) ? tooLarge() : new RequestBody(decoded, null);
    } catch (IOException ex) {
      return new RequestBody(null, "body is not valid gzip: " + ex.getMessage());
    }
  }

  /** By the header, or by gzip's magic bytes, which no JSON text starts with. */
  private static boolean gzipped(byte[] raw, String contentEncoding) {
    if (contentEncoding != null
        && contentEncoding.toLowerCase(Locale.ROOT).contains("gzip")) {
      return true;
    }
    return raw.length >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b;
  }

  private static RequestBody tooLarge() {
    return new RequestBody(
        null, "request body is larger than 500 KB (" + MAX_BYTES + " bytes) decompressed");
  }
}
