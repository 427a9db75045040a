package io.segmentrelay.inbound;

import io.segmentrelay.identity.IdentityService;
import io.segmentrelay.system.ApiException;
import io.segmentrelay.system.FieldError;
import io.segmentrelay.system.Hashing;
import io.segmentrelay.system.Ids;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Segment as a source: the messages of an app's Segment workspace feed identity stitching. Only
 * identities are taken from them; nothing received here is ever queued for delivery, so nothing
 * can loop back to Segment.
 */
@Service
public class InboundService {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(InboundService.class);

  static final String APPLIED = "applied";
  static final String IGNORED = "ignored";
  static final Duration WINDOW = Duration.ofHours(24);
  private static final int ATTEMPTS = 3;

  private final InboundStore store;
  private final IdentityService identity;
  private final TransactionTemplate tx;
  private final Clock clock;

  InboundService(
      InboundStore store, IdentityService identity, TransactionTemplate tx, Clock clock) {
    this.store = store;
    this.identity = identity;
    this.tx = tx;
    this.clock = clock;
  }

  /**
   * The app a call is for, when it carries the app's secret as a Bearer token or a valid
   * signature of its body; anything else is a 401. Both checks take constant time in the secret.
   */
  InboundStore.App authenticate(
      String appId, String bearer, String signature, byte[] body) {
    if (bearer != null) {
      var byToken = store.appBySecretHash(Hashing.sha256(bearer))
          .filter(id -> appId == null || id.equals(appId));
      if (byToken.isPresent()) {
        return store.app(byToken.get()).orElseThrow(InboundService::unauthorized);
      }
    }
    if (signature != null && appId != null) {
      var secret = readableSecret(appId);
      if (secret.isPresent() && validSignature(secret.get(), signature, body)) {
        return store.app(appId).orElseThrow(InboundService::unauthorized);
      }
    }
    throw unauthorized();
  }

  /**
   * The app's secret, or empty when it decrypts under neither master key (a rotation finished
   * without it): the caller gets a 401, and the log says to rotate the secret.
   */
  private Optional<String> readableSecret(String appId) {
    try {
      return store.secret(appId);
    } catch (IllegalStateException e) {
      log.error("The inbound secret of app {} cannot be decrypted: rotate it", appId);
      return Optional.empty();
    }
  }

  /** Segment's webhook signature: the hex HMAC-SHA1 of the raw body under the shared secret. */
  static String sign(String secret, byte[] body) {
    try {
      var mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 is part of every JDK; its absence is a bug", e);
    }
  }

  private static boolean validSignature(String secret, String signature, byte[] body) {
    return MessageDigest.isEqual(
        sign(secret, body).getBytes(StandardCharsets.US_ASCII),
        signature.trim().toLowerCase().getBytes(StandardCharsets.US_ASCII));
  }

  private static ApiException unauthorized() {
    return new ApiException(HttpStatus.UNAUTHORIZED,
        "Send the app's inbound secret as Authorization: Bearer <secret>, or sign the body"
            + " (X-Signature) and name the app (?appId=)",
        List.of(new FieldError("Authorization", "is missing or invalid"),
            new FieldError("X-Signature", "is missing or invalid")));
  }

  /**
   * Applies the messages, all in one transaction: new message ids only, first occurrence in the
   * request. Returns how many messages were accepted (duplicates included: Segment may resend).
   */
  int accept(InboundStore.App app, List<InboundMessages.Message> messages) {
    for (int attempt = 1; ; attempt++) {
      try {
        tx.executeWithoutResult(status -> apply(app, messages));
        return messages.size();
      } catch (DataIntegrityViolationException | TransientDataAccessException e) {
        if (attempt == ATTEMPTS) { // a concurrent request with the same ids won each time
          throw e;
        }
      }
    }
  }

  private void apply(InboundStore.App app, List<InboundMessages.Message> messages) {
    var byId = new LinkedHashMap<String, InboundMessages.Message>();
    messages.forEach(m -> byId.putIfAbsent(m.messageId(), m));
    store.known(app.id(), byId.keySet()).forEach(byId::remove);
    var inputs = new ArrayList<IdentityService.Input>();
    var now = clock.instant();
    for (var message : byId.values()) {
      var input = input(message);
      input.ifPresent(inputs::add);
      store.record(app.id(), message.messageId(), message.type(),
          input.isPresent() ? APPLIED : IGNORED, now);
    }
    if (!inputs.isEmpty()) {
      identity.resolveAll(app.organizationId(), inputs);
    }
  }

  /** What a message tells about identities, if anything the relay uses. */
  static Optional<IdentityService.Input> input(InboundMessages.Message m) {
    return switch (m.type()) {
      case "identify" -> Optional.of(new IdentityService.Input(m.userId(), m.anonymousId(), m.traits()));
      case "alias" -> Optional.of(new IdentityService.Input(m.userId(), m.previousId(), null));
      case "track", "page" -> m.userId() != null && m.anonymousId() != null
          ? Optional.of(new IdentityService.Input(m.userId(), m.anonymousId(), null))
          : Optional.empty();
      default -> Optional.empty();
    };
  }

  /** Creates or rotates the app's secret and returns it: the only time it is shown. */
  public String rotateSecret(String organizationId, String appId) {
    requireApp(organizationId, appId);
    var secret = Ids.token("srs");
    tx.executeWithoutResult(
        status -> store.saveSecret(appId, Hashing.sha256(secret), secret, clock.instant()));
    return secret;
  }

  /** The app's inbound status: whether a secret exists, and the last 24 hours' counts. */
  public record Status(
      String appId, String appName, boolean secretSet, java.time.Instant secretCreatedAt,
      InboundStore.Counts last24h) {}

  public Status status(String organizationId, String appId) {
    var app = requireApp(organizationId, appId);
    var created = store.secretCreatedAt(appId);
    return new Status(app.id(), app.name(), created.isPresent(), created.orElse(null),
        store.counts(appId, clock.instant().minus(WINDOW)));
  }

  /** The organization's apps, each with a "Segment as a source" page. */
  public List<InboundStore.App> apps(String organizationId) {
    return store.apps(organizationId);
  }

  private InboundStore.App requireApp(String organizationId, String appId) {
    return store.app(appId)
        .filter(app -> app.organizationId().equals(organizationId))
        .orElseThrow(() -> ApiException.notFound("App"));
  }
}
