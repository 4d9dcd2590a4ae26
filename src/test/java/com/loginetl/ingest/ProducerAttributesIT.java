package com.loginetl.ingest;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.loginetl.masking.DeadLetterSeal;
import com.loginetl.masking.Keysets;
import com.loginetl.support.DeadLetterBodies;
import com.loginetl.support.LoginEtlIntegrationTest;
import com.loginetl.support.SampleEvents;
import com.loginetl.support.TestQueues;
import io.awspring.cloud.sqs.listener.SqsHeaders;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.messaging.MessageHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A producer's message attributes named like the headers Spring Cloud AWS gives the listener
 * cannot pose as them: the row keeps SQS's own message id (the idempotency key), the delete uses
 * SQS's own receipt handle, the body is read as the string it is whatever type an attribute
 * claims, and {@code create_date} comes from SQS's SentTimestamp. Nor can the attributes only
 * {@code dlq redrive} may set, {@code redriven_from} and {@code source_sent_timestamp}, choose a
 * row's identity or date without a {@code redrive_seal} that vouches for them over the body.
 */
@LoginEtlIntegrationTest
class ProducerAttributesIT {

	@Autowired
	TestQueues queues;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	DeadLetterSeal seal;

	@Autowired
	MeterRegistry meters;

	@Test
	void attributesNamedLikeListenerHeadersChangeNothing() {
		String user = "attributes-" + UUID.randomUUID();
		String forgedId = "forged-" + UUID.randomUUID();
		Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
		attributes.put(SqsHeaders.SQS_RAW_MESSAGE_ID_HEADER, text(forgedId));
		attributes.put(SqsHeaders.SQS_RECEIPT_HANDLE_HEADER, text("forged-receipt-handle"));
		attributes.put(SqsHeaders.SQS_DEFAULT_TYPE_HEADER, text("java.lang.Integer"));
		attributes.put(MessageHeaders.CONTENT_TYPE, text("application/x-java-serialized-object"));
		// 2000-01-01T00:00:00Z
		attributes.put(SqsHeaders.MessageSystemAttributes.SQS_SENT_TIMESTAMP, text("946684800000"));
		String body = SampleEvents.event(user, "2.3.0", "ios", "10.7.7.7", "EN", "777-77-7777");

		LocalDate sentFrom = LocalDate.now(ZoneOffset.UTC);
		String id = this.queues.sqs()
			.client()
			.sendMessage((request) -> request.queueUrl(this.queues.queueUrl())
				.messageBody(body)
				.messageAttributes(attributes))
			.messageId();
		LocalDate sentUntil = LocalDate.now(ZoneOffset.UTC);

		await().atMost(Duration.ofSeconds(30)).until(() -> rowsOf(user) == 1);
		Map<String, Object> row = this.jdbc.sql("SELECT * FROM user_logins WHERE user_id = ?")
			.param(user)
			.query()
			.singleRow();
		assertThat(row.get("sqs_message_id")).as("the idempotency key").isEqualTo(id).isNotEqualTo(forgedId);
		assertThat(row.get("app_version")).as("a field of the body, read as JSON text").isEqualTo("2.3.0");
		assertThat(((java.sql.Date) row.get("create_date")).toLocalDate()).isBetween(sentFrom, sentUntil);
		// Deleted with its real receipt handle: a failed delete would leave it in flight for the
		// context's 30 s visibility timeout.
		await().atMost(Duration.ofSeconds(10)).until(() -> this.queues.sourceDepth() == 0);
		assertThat(this.jdbc.sql("SELECT count(*) FROM user_logins WHERE sqs_message_id = ?")
			.param(forgedId)
			.query(Long.class)
			.single()).isZero();
	}

	/**
	 * A producer that names another message's id in {@code redriven_from} (and its date, or one of
	 * 1970, in {@code source_sent_timestamp}) would otherwise make that message's row a "duplicate"
	 * and its own event never written. Without a seal, with a made-up seal, with another keyset's
	 * seal, with a genuine seal made over another body, or with only {@code redriven_from}, each is
	 * stored under its own SQS id and SentTimestamp date, and counted; a genuine seal over its own
	 * body is honoured.
	 */
	@Test
	void redriveAttributesWithoutAValidSealAreIgnoredAndCounted() {
		String victimUser = "victim-" + UUID.randomUUID();
		String victimBody = SampleEvents.event(victimUser, "1", "ios", "10.8.8.1", null, "v-1");
		String victimId = this.queues.send(victimBody);
		await().atMost(Duration.ofSeconds(30)).until(() -> rowsOf(victimUser) == 1);
		// A time on the victim row's date: without the seal check, a forgery with it would meet that row.
		String victimSent = Long.toString(this.jdbc.sql("SELECT create_date FROM user_logins WHERE sqs_message_id = ?")
			.param(victimId)
			.query(LocalDate.class)
			.single()
			.atStartOfDay(ZoneOffset.UTC)
			.toInstant()
			.plusSeconds(1)
			.toEpochMilli());
		DeadLetterSeal otherKeyset = DeadLetterBodies.seal(Keysets.generate());
		double ignoredBefore = ignored();

		String user = "forger-" + UUID.randomUUID();
		Map<String, Map<String, MessageAttributeValue>> forgeries = new LinkedHashMap<>();
		forgeries.put(event(user, "no-seal"), redrive(victimId, victimSent, null));
		forgeries.put(event(user, "made-up-seal"),
				redrive(victimId, "86400000", "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="));
		String otherKeysetBody = event(user, "other-keyset");
		forgeries.put(otherKeysetBody,
				redrive(victimId, victimSent, otherKeyset.sealRedrive(victimId, victimSent, otherKeysetBody)));
		forgeries.put(event(user, "seal-of-another-body"),
				redrive(victimId, victimSent, this.seal.sealRedrive(victimId, victimSent, victimBody)));
		forgeries.put(event(user, "only-redriven-from"), Map.of(DeadLetterAttributes.REDRIVEN_FROM, text(victimId)));
		LocalDate sentFrom = LocalDate.now(ZoneOffset.UTC);
		List<String> ids = new ArrayList<>();
		forgeries.forEach((body, attributes) -> ids.add(send(body, attributes)));
		LocalDate sentUntil = LocalDate.now(ZoneOffset.UTC);

		// The genuine article: a seal over its own body, for a message id and a date in 2022.
		String redrivenUser = "redriven-" + UUID.randomUUID();
		String original = UUID.randomUUID().toString();
		String originalSent = Long.toString(Instant.parse("2022-03-14T23:59:00Z").toEpochMilli());
		String genuine = SampleEvents.event(redrivenUser, "1", "ios", "10.8.8.9", null, "g-1");
		send(genuine, redrive(original, originalSent, this.seal.sealRedrive(original, originalSent, genuine)));

		await().atMost(Duration.ofSeconds(30))
			.until(() -> rowsOf(user) == forgeries.size() && rowsOf(redrivenUser) == 1);
		Map<String, LocalDate> rows = new LinkedHashMap<>();
		this.jdbc.sql("SELECT sqs_message_id, create_date FROM user_logins WHERE user_id = ?")
			.param(user)
			.query((row, n) -> Map.entry(row.getString(1), row.getObject(2, LocalDate.class)))
			.list()
			.forEach((row) -> rows.put(row.getKey(), row.getValue()));
		assertThat(rows.keySet()).as("each under its own SQS id").containsExactlyInAnyOrderElementsOf(ids);
		assertThat(rows.values()).as("each dated by its own SentTimestamp")
			.allSatisfy((date) -> assertThat(date).isBetween(sentFrom, sentUntil));
		assertThat(rowsOf(victimUser)).isEqualTo(1);
		assertThat(this.jdbc.sql("SELECT sqs_message_id || ' ' || create_date FROM user_logins WHERE user_id = ?")
			.param(redrivenUser)
			.query(String.class)
			.single()).isEqualTo(original + " 2022-03-14");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.queues.sourceDepth() == 0);
		assertThat(ignored() - ignoredBefore).isEqualTo(forgeries.size());
	}

	/**
	 * An id that reaches a log line is SQS's own: a {@code redriven_from} that carries a line break
	 * and a fake log line, even under a genuine seal, does not become the message's id, so the fake
	 * line appears neither in the log (the rejection's line names the message) nor in its dead letter.
	 */
	@Test
	void aLogForgingRedrivenFromNeverReachesTheLog() {
		String fake = "2026-12-04T00:00:00.000Z  INFO 1 --- [login-etl] [fake] c.l.ingest.DeadLetters : forged-"
				+ UUID.randomUUID();
		String redrivenFrom = "x\n" + fake;
		String body = "{\"user_id\": 7}";
		String sentAt = Long.toString(Instant.now().toEpochMilli());
		double ignoredBefore = ignored();
		Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
		Logger service = (Logger) LoggerFactory.getLogger("com.loginetl");
		ListAppender<ILoggingEvent> events = new ListAppender<>();
		events.start();
		root.addAppender(events);
		// whatever level an earlier test in this JVM (a dlq command run in it) left the loggers at
		Level level = service.getLevel();
		service.setLevel(Level.INFO);
		String id;
		try {
			id = send(body, redrive(redrivenFrom, sentAt, this.seal.sealRedrive(redrivenFrom, sentAt, body)));

			assertThat(this.queues.takeDeadLetters(1)).singleElement()
				.satisfies((dead) -> assertThat(dead.messageAttributes().get("source_message_id").stringValue())
					.isEqualTo(id));
			await().atMost(Duration.ofSeconds(10)).until(() -> text(events).contains("Message " + id + " rejected"));
		}
		finally {
			service.setLevel(level);
			root.detachAppender(events);
		}
		assertThat(text(events)).contains("Ignored the redrive attributes of 1 messages").doesNotContain(fake);
		assertThat(ignored() - ignoredBefore).isEqualTo(1);
	}

	private static String text(ListAppender<ILoggingEvent> events) {
		// Logback appends under the appender's own lock.
		synchronized (events) {
			return events.list.stream().map(ILoggingEvent::getFormattedMessage).toList().toString();
		}
	}

	private static String event(String user, String device) {
		return SampleEvents.event(user, "1", "ios", "10.8.8.2", null, "forged-" + device);
	}

	private String send(String body, Map<String, MessageAttributeValue> attributes) {
		return this.queues.sqs()
			.client()
			.sendMessage((request) -> request.queueUrl(this.queues.queueUrl())
				.messageBody(body)
				.messageAttributes(attributes))
			.messageId();
	}

	private static Map<String, MessageAttributeValue> redrive(String redrivenFrom, String sentAt, String seal) {
		Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
		attributes.put(DeadLetterAttributes.REDRIVEN_FROM, text(redrivenFrom));
		attributes.put(DeadLetterAttributes.SOURCE_SENT_TIMESTAMP, text(sentAt));
		if (seal != null) {
			attributes.put(DeadLetterAttributes.REDRIVE_SEAL, text(seal));
		}
		return attributes;
	}

	private double ignored() {
		return this.meters.counter("logins.redrive.attributes.ignored").count();
	}

	private long rowsOf(String user) {
		return this.jdbc.sql("SELECT count(*) FROM user_logins WHERE user_id = ?").param(user).query(Long.class).single();
	}

	private static MessageAttributeValue text(String value) {
		return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
	}

}
