package io.segmentrelay.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 request over a plain socket, for headers that Java's HTTP client will not send
 * (such as a foreign {@code Host}). Returns the status line and headers, without the body.
 */
public final class RawHttp {

  private RawHttp() {}

  public static String head(int port, String request) {
    try (var socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      var in = socket.getInputStream();
      var head = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0) {
        head.append((char) c);
        if (head.toString().endsWith("\r\n\r\n")) {
          break;
        }
      }
      return head.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code GET path} with the given extra header lines (each ending in CRLF). */
  public static String get(int port, String path, String headers) {
    return head(port, "GET " + path + " HTTP/1.1\r\n" + headers + "Connection: close\r\n\r\n");
  }
}
