package com.loginetl.ingest;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.loginetl.masking.DeadLetterSeal;
import com.loginetl.support.DeadLetterBodies;
import com.loginetl.support.LoginEtlIntegrationTest;
import com.loginetl.support.SampleEvents;
import com.loginetl.support.TestQueues;
import io.awspring.cloud.sqs.listener.SqsHeaders;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Batches handed to the processor as the listener would hand them, with message ids chosen by the
 * test, against the real database and dead-letter queue: how a redelivery, a row the database
 * refuses and a message sent on another day are handled, deterministically.
 */
@LoginEtlIntegrationTest
class LoginBatchProcessorIT {

	@Autowired
	LoginBatchProcessor processor;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	TestQueues queues;

	@Autowired
	MeterRegistry meters;

	@Autowired
	DeadLetterSeal seal;

	@Test
	void aRedeliveredMessageAddsNoRowAndIsCountedAsDuplicate() {
		String user = "redelivered-" + UUID.randomUUID();
		List<org.springframework.messaging.Message<String>> batch = List.of(
				message("m-" + user, SampleEvents.event(user, "2.3.0", "ios", "10.0.0.1", "EN", "123-45-6789")),
				message("n-" + user, SampleEvents.event(user, "2.3.0", "ios", "10.0.0.2", "EN", "123-45-6789")));
		double duplicatesBefore = this.meters.counter("logins.duplicates").count();

		assertThat(this.processor.process(batch)).hasSize(2);
		assertThat(this.processor.process(batch.subList(0, 1))).hasSize(1);
		assertThat(this.processor.process(batch)).hasSize(2);

		assertThat(rowsOf(user)).isEqualTo(2);
		assertThat(this.meters.counter("logins.duplicates").count() - duplicatesBefore).isEqualTo(3);
	}

	/**
	 * The idempotency key is (sqs_message_id, create_date), and create_date comes from SentTimestamp,
	 * which SQS keeps on every redelivery: one received just before midnight at the end of a month
	 * and redelivered after it, on the next UTC day and in the next month's partition, meets its row.
	 */
	@Test
	void aRedeliveryOnTheNextUtcDayAddsNoRow() {
		this.jdbc.sql("CREATE TABLE IF NOT EXISTS user_logins_2021_01 PARTITION OF user_logins "
				+ "FOR VALUES FROM ('2021-01-01') TO ('2021-02-01')").update();
		this.jdbc.sql("CREATE TABLE IF NOT EXISTS user_logins_2021_02 PARTITION OF user_logins "
				+ "FOR VALUES FROM ('2021-02-01') TO ('2021-03-01')").update();
		String user = "next-day-" + UUID.randomUUID();
		String body = SampleEvents.event(user, "2.3.0", "ios", "10.0.0.1", "EN", "123-45-6789");
		Instant sent = Instant.parse("2021-01-31T23:59:59.500Z");
		double duplicatesBefore = this.meters.counter("logins.duplicates").count();

		assertThat(this.processor.process(List.of(message("m-" + user, body, sent, sent.plusMillis(300))))).hasSize(1);
		assertThat(this.processor
			.process(List.of(message("m-" + user, body, sent, Instant.parse("2021-02-01T00:00:45Z"))))).hasSize(1);

		assertThat(this.jdbc.sql("SELECT tableoid::regclass::text || ' ' || create_date FROM user_logins WHERE user_id = ?")
			.param(user)
			.query(String.class)
			.list()).containsExactly("user_logins_2021_01 2021-01-31");
		assertThat(this.meters.counter("logins.duplicates").count() - duplicatesBefore).isEqualTo(1);
	}

	/**
	 * A dead letter carries its original's SentTimestamp, and {@code dlq redrive} passes it on with
	 * {@code redriven_from} under a {@code redrive_seal}: however many copies are sent back, on
	 * whatever days, their key is the original's id and the original's date, so they make one row.
	 */
	@Test
	void redrivenCopiesOnLaterDaysMakeOneRowDatedByTheOriginal() {
		this.jdbc.sql("CREATE TABLE IF NOT EXISTS user_logins_2022_03 PARTITION OF user_logins "
				+ "FOR VALUES FROM ('2022-03-01') TO ('2022-04-01')").update();
		String user = "redriven-" + UUID.randomUUID();
		String original = UUID.randomUUID().toString();
		Instant originalSent = Instant.parse("2022-03-14T23:59:00Z");
		// A body the reader refuses first is dead-lettered with the original's id and SentTimestamp.
		this.processor.process(List.of(message(original, "{\"user_id\": null}", originalSent, originalSent)));
		assertThat(this.queues.takeDeadLetters(1)).singleElement().satisfies((dead) -> {
			assertThat(dead.messageAttributes().get(DeadLetterAttributes.SOURCE_MESSAGE_ID).stringValue())
				.isEqualTo(original);
			assertThat(dead.messageAttributes().get(DeadLetterAttributes.SOURCE_SENT_TIMESTAMP).stringValue())
				.isEqualTo(Long.toString(originalSent.toEpochMilli()));
		});

		String body = SampleEvents.event(user, "2.3.0", "ios", "10.0.0.1", "EN", "123-45-6789");
		double duplicatesBefore = this.meters.counter("logins.duplicates").count();
		for (String resent : List.of("2022-03-20T10:00:00Z", "2022-04-02T08:00:00Z")) {
			Instant at = Instant.parse(resent);
			assertThat(this.processor.process(List.of(redriven(this.seal, "copy-" + resent + "-" + user, original,
					originalSent, body, at)))).hasSize(1);
		}

		assertThat(this.jdbc.sql("SELECT sqs_message_id || ' ' || create_date FROM user_logins WHERE user_id = ?")
			.param(user)
			.query(String.class)
			.list()).containsExactly(original + " 2022-03-14");
		assertThat(this.meters.counter("logins.duplicates").count() - duplicatesBefore).isEqualTo(1);
	}

	@Test
	void aRowTheDatabaseRefusesGoesToTheDeadLetterQueueAndTheRestOfItsBatchIsWritten() {
		String user = "batch-" + UUID.randomUUID();
		String poison = "poison-" + UUID.randomUUID();
		String constraint = "refuse_" + poison.replace('-', '_');
		// A constraint the reader knows nothing of, so that only the database can refuse the row.
		this.jdbc.sql("ALTER TABLE user_logins ADD CONSTRAINT " + constraint + " CHECK (user_id <> '" + poison + "')")
			.update();
		try {
			List<org.springframework.messaging.Message<String>> batch = List.of(
					message("a-" + user, SampleEvents.event(user, "1", "ios", "10.0.0.1", null, "d1")),
					message("b-" + user, SampleEvents.event(user, "1", "ios", "10.0.0.2", null, "d2")),
					message("poison-" + user, SampleEvents.event(poison, "1", "ios", "10.0.0.3", null, "d3")),
					message("c-" + user, SampleEvents.event(user, "1", "ios", "10.0.0.4", null, "d4")),
					message("d-" + user, SampleEvents.event(user, "1", "ios", "10.0.0.5", null, "d5")));

			List<org.springframework.messaging.Message<String>> done = this.processor.process(batch);

			assertThat(done).hasSize(5);
			assertThat(rowsOf(user)).isEqualTo(4);
			assertThat(rowsOf(poison)).isZero();
			List<Message> deadLetters = this.queues.takeDeadLetters(1);
			assertThat(deadLetters).singleElement().satisfies((dead) -> {
				assertThat(dead.messageAttributes().get("reason").stringValue()).isEqualTo("database_rejected:23514");
				assertThat(dead.messageAttributes().get("source_message_id").stringValue()).isEqualTo("poison-" + user);
				assertThat(DeadLetterBodies.open(this.seal, dead)).isEqualTo(batch.get(2).getPayload());
			});
		}
		finally {
			this.jdbc.sql("ALTER TABLE user_logins DROP CONSTRAINT " + constraint).update();
		}
	}

	/**
	 * {@code create_date} is the UTC calendar date of {@code SentTimestamp}, not the date of the
	 * day the row is written: messages sent on other days (one millisecond either side of a UTC
	 * midnight, where any other time zone would give another date) keep their own date.
	 */
	@Test
	void createDateIsTheUtcDateOfTheSentTimestamp() {
		String user = "sent-" + UUID.randomUUID();
		Map<String, LocalDate> expected = new LinkedHashMap<>();
		expected.put("2020-02-29T23:59:59.999Z", LocalDate.of(2020, 2, 29));
		expected.put("2020-03-01T00:00:00.000Z", LocalDate.of(2020, 3, 1));
		expected.put("2031-12-31T23:59:59.999Z", LocalDate.of(2031, 12, 31));
		expected.put("1999-01-01T00:00:00.001Z", LocalDate.of(1999, 1, 1));
		List<org.springframework.messaging.Message<String>> batch = new ArrayList<>();
		expected.keySet()
			.forEach((sent) -> batch.add(message(sent + "-" + user, Instant.parse(sent),
					SampleEvents.event(user, "1", "ios", "10.0.0.9", null, "d9"))));

		assertThat(this.processor.process(batch)).hasSize(expected.size());

		Map<String, LocalDate> stored = new HashMap<>();
		this.jdbc.sql("SELECT sqs_message_id, create_date FROM user_logins WHERE user_id = ?")
			.param(user)
			.query((row, n) -> Map.entry(row.getString(1), row.getObject(2, LocalDate.class)))
			.list()
			.forEach((row) -> stored.put(row.getKey().substring(0, row.getKey().length() - user.length() - 1),
					row.getValue()));
		assertThat(stored).isEqualTo(expected);
	}

	private long rowsOf(String user) {
		return this.jdbc.sql("SELECT count(*) FROM user_logins WHERE user_id = ?").param(user).query(Long.class).single();
	}

	private static org.springframework.messaging.Message<String> message(String id, String body) {
		return message(id, body, Instant.now(), Instant.now());
	}

	private static org.springframework.messaging.Message<String> message(String id, Instant sent, String body) {
		return message(id, body, sent, Instant.now());
	}

	/**
	 * A message as {@code dlq redrive} sends it back: a new id, the original's id and SentTimestamp,
	 * and the seal that vouches for them.
	 */
	private static org.springframework.messaging.Message<String> redriven(DeadLetterSeal seal, String id,
			String original, Instant originalSent, String body, Instant sent) {
		String originalTimestamp = Long.toString(originalSent.toEpochMilli());
		return MessageBuilder.fromMessage(message(id, body, sent, sent))
			.setHeader(DeadLetterAttributes.REDRIVEN_FROM, original)
			.setHeader(DeadLetterAttributes.SOURCE_SENT_TIMESTAMP, originalTimestamp)
			.setHeader(DeadLetterAttributes.REDRIVE_SEAL, seal.sealRedrive(original, originalTimestamp, body))
			.build();
	}

	private static org.springframework.messaging.Message<String> message(String id, String body, Instant sent,
			Instant received) {
		return MessageBuilder.withPayload(body)
			.setHeader(SqsHeaders.SQS_RAW_MESSAGE_ID_HEADER, id)
			.setHeader(SqsHeaders.MessageSystemAttributes.SQS_SENT_TIMESTAMP, String.valueOf(sent.toEpochMilli()))
			.setHeader(SqsHeaders.SQS_RECEIVED_AT_HEADER, received)
			.build();
	}

}
