package io.segmentrelay.support;

import io.segmentrelay.sandbox.RecordMode;
import io.segmentrelay.sandbox.SandboxReceiver;
import io.segmentrelay.sandbox.SandboxServer;
import java.time.Clock;
import java.util.List;

/**
 * One standalone sandbox per test JVM, standing in for Segment. Tests isolate themselves by using
 * write keys of their own and fault rules scoped to them.
 */
public final class Sandboxes {

  private static SandboxServer shared;

  private Sandboxes() {}

  public static synchronized SandboxServer shared() {
    if (shared == null) {
      shared = SandboxServer.start(0, new SandboxReceiver(List.of(), RecordMode.FULL, Clock.systemUTC()));
    }
    return shared;
  }
}
