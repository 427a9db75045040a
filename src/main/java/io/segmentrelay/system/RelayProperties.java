package io.segmentrelay.system;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Every setting of the relay, bound from {@code relay.*} (environment: {@code RELAY_*}). Defaults
 * are defined here and nowhere else.
 *
 * @param dataDir where the embedded database and generated secrets live ({@code RELAY_DATA_DIR})
 * @param masterKey base64 of 32 bytes; encrypts write keys ({@code RELAY_MASTER_KEY})
 * @param operatorToken creates organizations ({@code RELAY_OPERATOR_TOKEN})
 * @param version reported to Segment as {@code context.library.version}
 */
@ConfigurationProperties("relay")
public record RelayProperties(
    @DefaultValue("./data") Path dataDir,
    String masterKey,
    String operatorToken,
    @DefaultValue("dev") String version,
    @DefaultValue Segment segment,
    @DefaultValue Delivery delivery,
    @DefaultValue Identity identity,
    @DefaultValue Retention retention) {

  /** @param extraEndpoints operator-allowed Segment-compatible base URLs besides Segment's own */
  public record Segment(@DefaultValue List<String> extraEndpoints) {}

  /**
   * @param retryDelays the waits before retry 1, 2, … after a failed attempt
   * @param pollInterval safety-net poll; ingest wakes the dispatcher at once
   * @param leaseDuration how long a claimed delivery stays with its node without a renewal; the node
   *     renews its leases every quarter of it, so a dead node's work is taken over after at most
   *     this long (plus a few seconds until the next reclaim)
   * @param requestTimeout per request to Segment
   * @param maxBatchEvents events per request to Segment
   * @param maxBatchBytes bytes per request to Segment
   * @param claimSize deliveries claimed at once per integration
   * @param concurrencyPerIntegration requests in flight at once per integration, per node
   * @param handoffLimit deliveries this node may hold in memory between ingest and sending; they
   *     are committed under this node's lease and skip the claim. Beyond it, ingest queues them
   *     for a claim like any other (0 turns the hand-off off)
   * @param handoffWait how long ingest waits for sending to make room in a full hand-off before it
   *     queues its deliveries instead (0: no wait)
   */
  public record Delivery(
      @DefaultValue({"PT1M", "PT2M", "PT4M", "PT8M", "PT16M", "PT32M", "PT64M", "PT6H"})
          List<Duration> retryDelays,
      @DefaultValue("PT5S") Duration pollInterval,
      @DefaultValue("PT20S") Duration leaseDuration,
      @DefaultValue("PT30S") Duration requestTimeout,
      @DefaultValue("2500") int maxBatchEvents,
      @DefaultValue("500000") int maxBatchBytes,
      @DefaultValue("2500") int claimSize,
      @DefaultValue("4") int concurrencyPerIntegration,
      @DefaultValue("10000") int handoffLimit,
      @DefaultValue("PT0.25S") Duration handoffWait,
      @DefaultValue("true") boolean enabled) {}

  /**
   * @param cacheSize anonymous-id links and, separately, profiles that ingest keeps in memory as
   *     last committed, on the embedded H2 only (one process has the database); 0 turns it off
   */
  public record Identity(@DefaultValue("10000") int cacheSize) {}

  /** How long finished deliveries and their attempts are kept. */
  public record Retention(
      @DefaultValue("P7D") Duration delivered,
      @DefaultValue("P30D") Duration failed,
      @DefaultValue("PT1H") Duration purgeInterval) {}
}
