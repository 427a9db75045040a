package io.segmentrelay.sandbox;

import java.time.Duration;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Serves the sandbox inside the relay under {@code /sandbox}, so that
 * {@code http://localhost:8080/sandbox} can be used as a Segment endpoint. Bodies are read as raw
 * bytes so that malformed JSON is answered by the sandbox the way Segment answers it.
 */
@RestController
@RequestMapping("/sandbox")
@ConditionalOnProperty(name = "relay.sandbox.enabled", havingValue = "true", matchIfMissing = true)
class SandboxController {

	private static final String DROP_UNSUPPORTED = "{\"success\":false,"
			+ "\"message\":\"this servlet container cannot drop connections; use the standalone sandbox\"}";

	private final SandboxEndpoints endpoints;

	SandboxController(SandboxReceiver receiver) {
		this.endpoints = new SandboxEndpoints(receiver);
	}

	@PostMapping("/v1/{kind:batch|track|import}")
	ResponseEntity<String> ingest(@PathVariable String kind,
			@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
			@RequestBody(required = false) byte[] body, HttpServletResponse servletResponse)
			throws InterruptedException {
		SandboxResponse answer = endpoints.ingest(kind, authorization, bytes(body));
		pause(answer.latency());
		if (!answer.drop()) {
			return entity(answer);
		}
		// Returning null tells Spring MVC the response is handled: nothing more is written.
		return ConnectionDrop.tryDrop(servletResponse) ? null : entity(SandboxResponse.json(503, DROP_UNSUPPORTED));
	}

	@GetMapping("/events")
	ResponseEntity<String> events(@RequestParam(required = false) String writeKey) {
		return entity(endpoints.events(writeKey));
	}

	@DeleteMapping("/events")
	ResponseEntity<String> reset() {
		return entity(endpoints.reset());
	}

	@GetMapping("/stats")
	ResponseEntity<String> stats() {
		return entity(endpoints.stats());
	}

	@PostMapping("/write-keys")
	ResponseEntity<String> registerWriteKey(@RequestBody(required = false) byte[] body) {
		return entity(endpoints.registerWriteKey(bytes(body)));
	}

	@PostMapping("/faults")
	ResponseEntity<String> addFault(@RequestBody(required = false) byte[] body) {
		return entity(endpoints.addFault(bytes(body)));
	}

	@DeleteMapping("/faults")
	ResponseEntity<String> clearFaults() {
		return entity(endpoints.clearFaults());
	}

	private static byte[] bytes(byte[] body) {
		return (body == null) ? new byte[0] : body;
	}

	private static void pause(Duration latency) throws InterruptedException {
		if (!latency.isZero()) {
			Thread.sleep(latency);
		}
	}

	private static ResponseEntity<String> entity(SandboxResponse answer) {
		ResponseEntity.BodyBuilder builder = ResponseEntity.status(answer.status())
			.contentType(MediaType.APPLICATION_JSON);
		answer.headers().forEach((name, value) -> builder.header(name, value));
		return builder.body(answer.body());
	}
}
