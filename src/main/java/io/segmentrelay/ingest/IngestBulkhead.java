package io.segmentrelay.ingest;

import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Lets at most {@code pool size − 4} ingest transactions run at once; the rest wait their turn in
 * order, on their (virtual) threads, holding no connection. The connections left over are the
 * dispatcher's, its workers' and the admin API's: a flood of events never makes delivery wait
 * behind it for a connection, which would hold up every event already accepted. Requests are
 * authenticated and their bodies read before they queue here.
 */
@Component
class IngestBulkhead {

  /** Connections kept free of ingest transactions. */
  static final int RESERVED = 4;

  private final Semaphore permits;

  IngestBulkhead(@Value("${spring.datasource.hikari.maximum-pool-size:10}") int poolSize) {
    this.permits = new Semaphore(Math.max(1, poolSize - RESERVED), true);
  }

  <T> T run(Supplier<T> transaction) {
    permits.acquireUninterruptibly();
    try {
      return transaction.get();
    } finally {
      permits.release();
    }
  }
}
