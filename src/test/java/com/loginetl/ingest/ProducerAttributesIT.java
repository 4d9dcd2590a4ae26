package com.loginetl.ingest;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.loginetl.support.LoginEtlIntegrationTest;
import com.loginetl.support.SampleEvents;
import com.loginetl.support.TestQueues;
import io.awspring.cloud.sqs.listener.SqsHeaders;
import org.junit.jupiter.api.Test;
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
 * claims, and {@code create_date} comes from SQS's SentTimestamp.
 */
@LoginEtlIntegrationTest
class ProducerAttributesIT {

	@Autowired
	TestQueues queues;

	@Autowired
	JdbcClient jdbc;

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

	private long rowsOf(String user) {
		return this.jdbc.sql("SELECT count(*) FROM user_logins WHERE user_id = ?").param(user).query(Long.class).single();
	}

	private static MessageAttributeValue text(String value) {
		return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
	}

}
