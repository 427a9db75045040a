package io.segmentrelay.segment;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.segmentrelay.support.RelayTest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** An endpoint answering a huge body is read only so far: the relay's memory is not its to fill. */
class ResponseLimitTest extends RelayTest {

  private static final long HUGE = 200L * 1024 * 1024;

  @Autowired SegmentClient client;

  @Test
  void reads_at_most_64_kb_of_a_response_and_hangs_up_on_the_rest() throws Exception {
    var written = new AtomicLong();
    var done = new CountDownLatch(1);
    var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      exchange.sendResponseHeaders(200, 0);
      var chunk = new byte[64 * 1024];
      try (var out = exchange.getResponseBody()) {
        while (written.get() < HUGE) {
          out.write(chunk);
          written.addAndGet(chunk.length);
        }
      } catch (IOException e) {
        // The relay hung up, as it should.
      } finally {
        done.countDown();
      }
    });
    server.start();
    try {
      var response = client.postBatch(
          "http://127.0.0.1:" + server.getAddress().getPort(), "wk", "{}".getBytes());

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body()).hasSizeLessThanOrEqualTo(1024);
      assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
      assertThat(written.get()).isLessThan(HUGE);
    } finally {
      server.stop(0);
    }
  }
}
