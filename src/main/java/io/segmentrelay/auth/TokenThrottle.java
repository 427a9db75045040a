package io.segmentrelay.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Counts wrong tokens per client address, for the API and the sign-in form alike: after {@link
 * #MAX_FAILURES} in a minute, that address gets 429 for the rest of the minute, whatever token it
 * sends, so guessing stays slow. Other addresses are not affected.
 */
@Component
public class TokenThrottle {

  /** Wrong tokens an address may send per window. */
  public static final int MAX_FAILURES = 10;

  /** The window the failures are counted in, from the first one. */
  public static final Duration WINDOW = Duration.ofMinutes(1);

  /** Addresses tracked at most; beyond it the expired windows are dropped first. */
  private static final int MAX_TRACKED = 100_000;

  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  private final Clock clock;

  TokenThrottle(Clock clock) {
    this.clock = clock;
  }

  private record Window(Instant start, int failures) {}

  /** How long {@code client} must wait before its next attempt, or empty when it may try now. */
  public Optional<Duration> blocked(String client) {
    var window = windows.get(client);
    var now = clock.instant();
    if (window == null || window.failures() < MAX_FAILURES) {
      return Optional.empty();
    }
    var wait = Duration.between(now, window.start().plus(WINDOW));
    return wait.isPositive() ? Optional.of(wait) : Optional.empty();
  }

  /** Counts one wrong token from {@code client}. */
  public void failed(String client) {
    var now = clock.instant();
    if (windows.size() >= MAX_TRACKED) {
      windows.values().removeIf(w -> !now.isBefore(w.start().plus(WINDOW)));
    }
    windows.compute(client, (address, window) ->
        window == null || !now.isBefore(window.start().plus(WINDOW))
            ? new Window(now, 1)
            : new Window(window.start(), window.failures() + 1));
  }

  /** Forgets every count (tests start each case afresh). */
  public void clear() {
    windows.clear();
  }

  /** The {@code Retry-After} value for a wait: whole seconds, rounded up. */
  public static String retryAfter(Duration wait) {
    return Long.toString(Math.max(1, (wait.toMillis() + 999) / 1000));
  }
}
