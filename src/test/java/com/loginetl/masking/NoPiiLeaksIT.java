package com.loginetl.masking;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import com.loginetl.support.DeadLetterBodies;
import com.loginetl.support.LoginEtlIntegrationTest;
import com.loginetl.support.SampleEvents;
import com.loginetl.support.TestQueues;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sends valid and hostile messages through the whole service with DEBUG logging on, then searches
 * everything the service gave out for every raw ip and device_id it was sent.
 * <p>
 * "DEBUG logging on" means what an operator gets from {@code LOGGING_LEVEL_ROOT=DEBUG} plus DEBUG
 * for the libraries on the message path, whose levels application.yaml otherwise pins: every
 * logger of the service, Spring, Spring Cloud AWS, the AWS SDK, Hikari, pgjdbc and Tomcat is at
 * DEBUG. So that the build log stays readable, the console shows INFO and above
 * ({@code logging.threshold.console}); every event of every level goes, formatted, to an appender
 * of this test, and whatever reaches stdout or stderr is captured too.
 * <p>
 * Searched: every log event (message, MDC, key-value pairs, and the whole chain of exceptions with
 * their messages), the captured stdout and stderr, the names, tags and descriptions of all meters,
 * the Prometheus scrape, the health and info endpoints, the attributes and the bodies of the dead
 * letters (sealed: the key holder's {@code dlq show} opens them), and every column of the stored rows.
 */
@LoginEtlIntegrationTest
@TestPropertySource(properties = { "logging.level.root=DEBUG", "logging.level.com.loginetl=DEBUG",
		"logging.level.io.awspring.cloud=DEBUG", "logging.level.software.amazon.awssdk=DEBUG",
		"logging.level.org.springframework=DEBUG", "logging.level.com.zaxxer.hikari=DEBUG",
		"logging.level.org.postgresql=DEBUG", "logging.level.org.apache=DEBUG", "logging.threshold.console=INFO" })
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class NoPiiLeaksIT {

	/** Raw values sent, by what they are; each is distinctive enough never to occur by chance. */
	private static final Map<String, String> SENT = new LinkedHashMap<>();

	static {
		SENT.put("valid ip", "203.0.113.41");
		SENT.put("valid device_id", "leakdev-0001-41");
		SENT.put("valid IPv6, short", "2001:db8:ab::41");
		SENT.put("valid IPv6, long", "2001:0DB8:00AB:0000:0000:0000:0000:0041");
		SENT.put("valid device_id 2", "leakdev-0002-42");
		SENT.put("ip beside a wrong type", "203.0.113.43");
		SENT.put("device_id beside a wrong type", "leakdev-0003-43");
		SENT.put("ip in an array", "203.0.113.44");
		SENT.put("device_id beside an array", "leakdev-0004-44");
		SENT.put("ip in broken JSON", "203.0.113.45");
		SENT.put("device_id in broken JSON", "leakdev-0005-45");
		SENT.put("oversize ip", "203.0.113.46" + "7".repeat(200));
		SENT.put("device_id beside an oversize ip", "leakdev-0006-46");
		SENT.put("oversize device_id", "leakdev-0007-47" + "x".repeat(300));
		SENT.put("ip before a NUL", "203.0.113.48");
		SENT.put("device_id before a NUL", "leakdev-0008-48");
		SENT.put("device_id before a lone surrogate", "leakdev-0009-49");
		SENT.put("ip given twice, first", "203.0.113.50");
		SENT.put("ip given twice, second", "203.0.113.51");
		SENT.put("ip in an array body", "203.0.113.52");
		SENT.put("device_id in an array body", "leakdev-0012-52");
		SENT.put("device_id as a number", "9876543210123");
	}

	private final HttpClient http = HttpClient.newHttpClient();

	private final CapturingAppender events = new CapturingAppender();

	@Autowired
	TestQueues queues;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	MeterRegistry meters;

	@Autowired
	DeadLetterSeal seal;

	@Autowired
	SqsAsyncClient sqs;

	@LocalManagementPort
	int port;

	// Attached once the context runs: Boot's logging set-up replaces earlier appenders, and no PII
	// exists before the first message is sent.
	@BeforeEach
	void captureEveryLogEvent() {
		this.events.ignoreThread(Thread.currentThread().getName());
		this.events.start();
		root().addAppender(this.events);
	}

	@AfterEach
	void stopCapturing() {
		root().detachAppender(this.events);
	}

	@Test
	void noRawIpOrDeviceIdReachesLogsMetricsHealthOrDeadLetterAttributes(CapturedOutput output) throws Exception {
		Map<String, String> expectedReasons = new LinkedHashMap<>();
		String user = "leak-" + System.nanoTime();
		List<String> valid = List.of(
				SampleEvents.event(user, "1.0", "ios", sent("valid ip"), "de_DE", sent("valid device_id")),
				SampleEvents.event(user, "1.0", "android", sent("valid IPv6, short"), null, sent("valid device_id 2")),
				SampleEvents.event(user, "1.0", "android", sent("valid IPv6, long"), null, sent("valid device_id")));
		expectedReasons.put("{\"user_id\": 42, \"ip\": \"" + sent("ip beside a wrong type") + "\", \"device_id\": \""
				+ sent("device_id beside a wrong type") + "\"}", "wrong_type:user_id");
		expectedReasons.put("{\"user_id\": \"u\", \"ip\": [\"" + sent("ip in an array") + "\"], \"device_id\": \""
				+ sent("device_id beside an array") + "\"}", "wrong_type:ip");
		expectedReasons.put("{\"user_id\": \"u\", \"device_id\": " + sent("device_id as a number") + "}",
				"wrong_type:device_id");
		expectedReasons.put("{\"user_id\": \"u\", \"ip\": \"" + sent("ip in broken JSON") + "\", \"device_id\": \""
				+ sent("device_id in broken JSON") + "\"", "not_json");
		expectedReasons.put("{\"user_id\": \"u\", \"ip\": \"" + sent("oversize ip") + "\", \"device_id\": \""
				+ sent("device_id beside an oversize ip") + "\"}", "too_long:ip");
		expectedReasons.put("{\"user_id\": \"u\", \"device_id\": \"" + sent("oversize device_id") + "\"}",
				"too_long:device_id");
		expectedReasons.put("{\"user_id\": \"u\", \"ip\": \"" + sent("ip before a NUL") + "\\u0000\", \"device_id\": \""
				+ sent("device_id before a NUL") + "\\u0000x\"}", "invalid_character:ip");
		expectedReasons.put("{\"user_id\": \"u\", \"device_id\": \"" + sent("device_id before a lone surrogate")
				+ "\\ud800\"}", "invalid_character:device_id");
		expectedReasons.put("{\"user_id\": \"u\", \"ip\": \"" + sent("ip given twice, first") + "\", \"ip\": \""
				+ sent("ip given twice, second") + "\"}", "not_json");
		expectedReasons.put("[\"" + sent("ip in an array body") + "\", \"" + sent("device_id in an array body") + "\"]",
				"not_an_object");

		this.queues.sendAll(valid);
		this.queues.sendAll(new ArrayList<>(expectedReasons.keySet()));
		List<Message> deadLetters = this.queues.takeDeadLetters(expectedReasons.size());
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.jdbc.sql("SELECT count(*) FROM user_logins WHERE user_id = ?")
				.param(user)
				.query(Long.class)
				.single() == valid.size());
		await().atMost(Duration.ofSeconds(10)).until(() -> this.queues.sourceDepth() == 0);

		// The hostile path really ran, with DEBUG logging really on, and the dead letters hold the
		// rejected messages for whoever holds the key.
		assertThat(deadLetters).extracting((dead) -> DeadLetterBodies.open(this.seal, dead))
			.containsExactlyInAnyOrderElementsOf(expectedReasons.keySet());
		assertThat(deadLetters).extracting((dead) -> dead.messageAttributes().get("reason").stringValue())
			.containsExactlyInAnyOrderElementsOf(expectedReasons.values());
		assertThat(this.events.text()).contains("DEBUG com.loginetl.")
			.contains("DEBUG io.awspring.cloud.")
			.contains("DEBUG software.amazon.awssdk.");
		// The bodies went through the synchronous SDK client's Apache 5 HTTP client, which logged at
		// DEBUG; only its wire and header loggers stay pinned (application.yaml).
		assertThat(this.sqs.getClass().getSimpleName()).isEqualTo("BlockingSqsAsyncClient");
		assertThat(this.events.text()).contains("DEBUG org.apache.hc.client5.")
			.doesNotContain("org.apache.hc.client5.http.wire")
			.doesNotContain("org.apache.hc.client5.http.headers");

		Map<String, String> emitted = new LinkedHashMap<>();
		emitted.put("log events", this.events.text());
		emitted.put("stdout and stderr", output.getAll());
		emitted.put("meters", meters());
		emitted.put("/actuator/prometheus", get("/actuator/prometheus"));
		emitted.put("/actuator/health", get("/actuator/health"));
		emitted.put("/actuator/health/readiness", get("/actuator/health/readiness"));
		emitted.put("/actuator/health/liveness", get("/actuator/health/liveness"));
		emitted.put("/actuator/info", get("/actuator/info"));
		emitted.put("dead-letter attributes", attributes(deadLetters));
		emitted.put("dead-letter bodies", deadLetters.stream().map(Message::body).toList().toString());
		emitted.put("stored rows", this.jdbc.sql("SELECT * FROM user_logins").query().listOfRows().toString());

		for (Map.Entry<String, String> place : emitted.entrySet()) {
			for (Map.Entry<String, String> value : SENT.entrySet()) {
				assertThat(place.getValue()).as("%s must not contain the %s", place.getKey(), value.getKey())
					.doesNotContainIgnoringCase(value.getValue());
			}
			// The canonical form of the IPv6 address that was sent in two spellings.
			assertThat(place.getValue()).as("%s must not contain the IPv6 address", place.getKey())
				.doesNotContain("2001:db8:ab::41");
		}
		assertThat(emitted.get("log events")).as("the log was captured").hasSizeGreaterThan(10_000);
	}

	private static String sent(String what) {
		return SENT.get(what);
	}

	private String meters() {
		StringBuilder text = new StringBuilder();
		for (Meter meter : this.meters.getMeters()) {
			text.append(meter.getId().getName()).append(' ').append(meter.getId().getDescription()).append(' ');
			for (Tag tag : meter.getId().getTags()) {
				text.append(tag.getKey()).append('=').append(tag.getValue()).append(' ');
			}
			text.append('\n');
		}
		return text.toString();
	}

	private static String attributes(List<Message> deadLetters) {
		StringBuilder text = new StringBuilder();
		for (Message message : deadLetters) {
			for (Map.Entry<String, MessageAttributeValue> attribute : message.messageAttributes().entrySet()) {
				text.append(attribute.getKey()).append('=').append(attribute.getValue().stringValue()).append('\n');
			}
			text.append(message.attributesAsStrings()).append('\n');
		}
		return text.toString();
	}

	private String get(String path) throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return response.body();
	}

	private static Logger root() {
		return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
	}

	/**
	 * Every event of the service, formatted with all it carries: message, MDC, key-value pairs,
	 * exceptions. The test's own SQS traffic (its client runs on the test thread and on Awaitility's
	 * poller) and the embedded SQS server (ElasticMQ's threads) send and hold the raw messages by
	 * design; their events are left out, by thread.
	 */
	private static final class CapturingAppender extends AppenderBase<ILoggingEvent> {

		private final StringBuilder text = new StringBuilder();

		private final List<String> ignoredThreads = new ArrayList<>(List.of("awaitility", "elasticmq"));

		void ignoreThread(String prefix) {
			this.ignoredThreads.add(prefix);
		}

		@Override
		protected void append(ILoggingEvent event) {
			if (this.ignoredThreads.stream().anyMatch(event.getThreadName()::startsWith)) {
				return;
			}
			StringBuilder line = new StringBuilder().append(event.getLevel())
				.append(' ')
				.append(event.getLoggerName())
				.append(" [")
				.append(event.getThreadName())
				.append("]")
				.append(' ')
				.append(event.getFormattedMessage())
				.append(' ')
				.append(event.getMDCPropertyMap());
			if (event.getKeyValuePairs() != null) {
				line.append(' ').append(event.getKeyValuePairs());
			}
			if (event.getThrowableProxy() != null) {
				line.append('\n').append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
			}
			synchronized (this.text) {
				this.text.append(line).append('\n');
			}
		}

		String text() {
			synchronized (this.text) {
				return this.text.toString();
			}
		}

	}

}
