package io.segmentrelay.system;

import java.util.Locale;

/** Facts about the configured database that follow from its JDBC URL alone. */
public final class Databases {

  private Databases() {}

  /**
   * Whether the database is an H2 inside this process (file or memory): no other process can open
   * it, so whatever it holds in flight was left by an earlier run of this one.
   */
  public static boolean embeddedH2(String url) {
    var u = url.toLowerCase(Locale.ROOT);
    return u.startsWith("jdbc:h2:") && !u.startsWith("jdbc:h2:tcp:")
        && !u.startsWith("jdbc:h2:ssl:") && !u.contains("auto_server=true");
  }
}
