package io.segmentrelay.sandbox;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Command-line options of the standalone sandbox.
 *
 * @param host the address to listen on
 * @param port the port to listen on (0 = any free port)
 * @param writeKeys the write keys the sandbox accepts
 * @param mode how much it records
 */
record SandboxOptions(String host, int port, List<String> writeKeys, RecordMode mode) {

  static final String USAGE =
      "usage: sandbox [--port=9090] [--host=127.0.0.1] "
          + "[--write-keys=demo-write-key,other-key] [--record=full|counts]";

  static SandboxOptions parse(String... args) {
    SandboxOptions options =
        new SandboxOptions("127.0.0.1", 9090, List.of("demo-write-key"), RecordMode.FULL);
    for (String arg : args) {
      options = options.with(arg);
    }
    return options;
  }

  private SandboxOptions with(String arg) {
    int equals = arg.indexOf('=');
    if (!arg.startsWith("--") || equals < 0) {
      throw new IllegalArgumentException("unexpected argument: " + arg);
    }
    String value = arg.substring(equals + 1).strip();
    return switch (arg.substring(2, equals)) {
      case "port" -> new SandboxOptions(host, port(value), writeKeys, mode);
      case "host" -> new SandboxOptions(value, port, writeKeys, mode);
      case "write-keys" -> new SandboxOptions(host, port, keys(value), mode);
      case "record" -> new SandboxOptions(host, port, writeKeys, mode(value));
      default -> throw new IllegalArgumentException("unknown option: " + arg);
    };
  }

  private static int port(String value) {
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException ex) {
      // reported below
    }
    throw new IllegalArgumentException("--port must be a number from 0 to 65535");
  }

  private static List<String> keys(String value) {
    List<String> keys =
        Arrays.stream(value.split(",")).map(String::strip).filter(key -> !key.isEmpty()).toList();
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("--write-keys needs at least one key");
    }
    return keys;
  }

  private static RecordMode mode(String value) {
    try {
      return RecordMode.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException ex) {
      throw new IllegalArgumentException("--record must be full or counts", ex);
    }
  }
}
