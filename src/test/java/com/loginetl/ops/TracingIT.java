package com.loginetl.ops;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.protobuf.ByteString;
import com.loginetl.support.OtlpReceiver;
import com.loginetl.support.SampleEvents;
import com.loginetl.support.Scenario;
import com.loginetl.support.ServiceProcess;
import io.opentelemetry.proto.trace.v1.Span;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A trace from the producer to the row: with an OTLP endpoint set, the packaged service exports
 * (OTLP/HTTP, protobuf, to a receiver of this test) one span per batch, linked to the producer's
 * span named by each message's {@code traceparent} attribute, with the insert and the dead-letter
 * send as its children; no span carries a raw ip or device_id; the log lines of the batch carry
 * its trace id, and so does an exemplar on a bucket of the lag histogram in the OpenMetrics scrape.
 * Without an endpoint tracing is off: no trace id in any line, no exemplar.
 */
class TracingIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HexFormat HEX = HexFormat.of();

	private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0";

	/** A bucket of the lag histogram with an exemplar: {@code ... # {span_id="..",trace_id=".."} value [timestamp]}. */
	private static final Pattern LAG_EXEMPLAR = Pattern
		.compile("^logins_lag_seconds_bucket\\{[^}]*\\} \\S+ # \\{[^}]*trace_id=\"([0-9a-f]{32})\"[^}]*\\}.*$");

	@Test
	void aBatchSpanLinksToTheProducersSpanAndTheInsertIsItsChild() throws Exception {
		String producerTrace = HEX.formatHex(randomBytes(16));
		String producerSpan = HEX.formatHex(randomBytes(8));
		String ip = "198.51.100.61";
		String deviceId = "tracing-device-61";
		try (OtlpReceiver receiver = OtlpReceiver.start()) {
			Scenario scenario = Scenario.create("tracing");
			scenario.environment().put("LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs");
			scenario.environment().put("MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_OTLP_ENDPOINT", receiver.tracesEndpoint());
			scenario.environment().put("MANAGEMENT_TRACING_SAMPLING_PROBABILITY", "1.0");
			String output;
			String rejectedId;
			List<String> lagExemplars;
			try (ServiceProcess service = scenario.startService()) {
				Map<String, MessageAttributeValue> traceContext = Map.of("traceparent",
						text("00-" + producerTrace + "-" + producerSpan + "-01"));
				send(scenario, SampleEvents.event("traced", "1.0", "ios", ip, "EN", deviceId), traceContext);
				rejectedId = send(scenario, "{\"user_id\": 1, \"ip\": \"" + ip + "\", \"device_id\": \"" + deviceId + "\"}",
						traceContext);
				await().atMost(Duration.ofSeconds(60)).until(() -> scenario.workload().rows() == 1);
				assertThat(scenario.queues().takeDeadLetters(1)).hasSize(1);
				lagExemplars = lagExemplarTraceIds(service);
				service.terminate();
				assertThat(service.awaitExit(Duration.ofSeconds(60))).isZero();
				output = Files.readString(service.log());
			}
			List<Span> spans = receiver.spans();
			List<Span> batches = spans.stream()
				.filter((span) -> span.getLinksList().stream().anyMatch((link) -> hex(link.getTraceId()).equals(producerTrace)))
				.toList();
			assertThat(batches).as("batch spans linked to the producer's span among %s", spans).isNotEmpty();
			for (Span batch : batches) {
				assertThat(batch.getParentSpanId().isEmpty()).as("a batch span has no parent").isTrue();
				assertThat(batch.getLinksList()).anySatisfy((link) -> assertThat(hex(link.getSpanId())).isEqualTo(producerSpan));
			}
			Optional<Span> insert = spans.stream().filter((span) -> span.getName().equals("insert")).findFirst();
			assertThat(insert).as("an insert span among %s", spans).isPresent();
			assertThat(batches).as("the insert's parent").anySatisfy((batch) -> {
				assertThat(insert.get().getTraceId()).isEqualTo(batch.getTraceId());
				assertThat(insert.get().getParentSpanId()).isEqualTo(batch.getSpanId());
			});
			assertThat(spans).as("a dead-letter send span").anySatisfy((span) -> assertThat(span.getName()).isEqualTo("dead-letter send"));
			assertThat(spans.toString()).as("what the spans carry").doesNotContain(ip).doesNotContain(deviceId);

			// the rejected message's line carries the trace id of its batch's span
			JsonNode line = output.lines()
				.map(TracingIT::parse)
				.filter((node) -> node.path("message_id").asString().equals(rejectedId))
				.findFirst()
				.orElseThrow(() -> new AssertionError("no line about " + rejectedId + " in\n" + output));
			assertThat(batches).extracting((batch) -> hex(batch.getTraceId())).contains(line.path("traceId").asString());

			// the row's lag was recorded in its batch's span: the scrape links the bucket to that trace
			assertThat(lagExemplars).as("trace ids of exemplars on logins_lag_seconds_bucket")
				.containsAnyElementsOf(batches.stream().map((batch) -> hex(batch.getTraceId())).toList());
		}
	}

	@Test
	void withoutAnEndpointTracingIsOff() throws Exception {
		Scenario scenario = Scenario.create("tracing-off");
		scenario.environment().put("LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs");
		try (ServiceProcess service = scenario.startService()) {
			String id = send(scenario, "{\"user_id\": 1}", Map.of("traceparent",
					text("00-" + HEX.formatHex(randomBytes(16)) + "-" + HEX.formatHex(randomBytes(8)) + "-01")));
			assertThat(scenario.queues().takeDeadLetters(1)).hasSize(1);
			await().atMost(Duration.ofSeconds(10)).until(() -> service.output().contains(id));
			JsonNode line = service.output()
				.lines()
				.map(TracingIT::parse)
				.filter((node) -> node.path("message_id").asString().equals(id))
				.findFirst()
				.orElseThrow();
			assertThat(line.path("batch_id").asString()).matches("[0-9a-f]{16}");
			assertThat(line.has("traceId")).as("a trace id in %s", line).isFalse();

			send(scenario, SampleEvents.event("untraced", "1.0", "ios", "198.51.100.62", "EN", "tracing-device-62"), Map.of());
			await().atMost(Duration.ofSeconds(60)).until(() -> scenario.workload().rows() == 1);
			List<String> lagBuckets = openMetricsScrape(service).lines()
				.filter((bucket) -> bucket.startsWith("logins_lag_seconds_bucket{"))
				.toList();
			assertThat(lagBuckets).as("the lag histogram's buckets").isNotEmpty().noneMatch((bucket) -> bucket.contains(" # {"));
		}
	}

	/** The trace ids of the exemplars on the lag histogram's buckets, from a scrape in OpenMetrics format. */
	private static List<String> lagExemplarTraceIds(ServiceProcess service) throws Exception {
		return openMetricsScrape(service).lines()
			.map(LAG_EXEMPLAR::matcher)
			.filter(Matcher::matches)
			.map((matcher) -> matcher.group(1))
			.toList();
	}

	/** Exemplars appear only in OpenMetrics, which Prometheus asks for when exemplar storage is on. */
	private static String openMetricsScrape(ServiceProcess service) throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/actuator/prometheus"))
				.header("Accept", OPENMETRICS)
				.timeout(Duration.ofSeconds(10))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/openmetrics-text"));
		return response.body();
	}

	private static String send(Scenario scenario, String body, Map<String, MessageAttributeValue> attributes) {
		return scenario.queues()
			.sqs()
			.client()
			.sendMessage((request) -> request.queueUrl(scenario.queues().queueUrl())
				.messageBody(body)
				.messageAttributes(attributes))
			.messageId();
	}

	private static JsonNode parse(String line) {
		return JSON.readTree(line);
	}

	private static String hex(ByteString bytes) {
		return HEX.formatHex(bytes.toByteArray());
	}

	private static byte[] randomBytes(int count) {
		byte[] bytes = new byte[count];
		ThreadLocalRandom.current().nextBytes(bytes);
		bytes[0] |= 1;
		return bytes;
	}

	private static MessageAttributeValue text(String value) {
		return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
	}

}
