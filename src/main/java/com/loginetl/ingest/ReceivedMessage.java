package com.loginetl.ingest;

import java.time.Instant;

import io.awspring.cloud.sqs.listener.SqsHeaders;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;

/**
 * One SQS message as this service needs it.
 *
 * @param messageId the message's identity, which makes its row unique: SQS's own message id, the
 * same on every redelivery, or for a message {@code dlq redrive} sent back, the original message's
 * id from its {@code redriven_from} attribute, the same however often it was sent back
 * @param sentAt when SQS accepted the message ({@code SentTimestamp})
 * @param originalSentAt when SQS accepted the original message: {@code sentAt}, or for a redriven
 * message the {@code source_sent_timestamp} it carries; the row's {@code create_date} is its UTC date
 * @param receivedAt when this service received it
 */
record ReceivedMessage(Message<String> message, String messageId, String body, Instant sentAt,
		Instant originalSentAt, Instant receivedAt) {

	static ReceivedMessage of(Message<String> message) {
		MessageHeaders headers = message.getHeaders();
		Instant receivedAt = headers.get(SqsHeaders.SQS_RECEIVED_AT_HEADER, Instant.class);
		if (receivedAt == null) {
			receivedAt = Instant.now();
		}
		String sentTimestamp = headers.get(SqsHeaders.MessageSystemAttributes.SQS_SENT_TIMESTAMP, String.class);
		Instant sentAt = sentTimestamp == null ? receivedAt : Instant.ofEpochMilli(Long.parseLong(sentTimestamp));
		return new ReceivedMessage(message, identity(headers), message.getPayload(), sentAt,
				originalSentAt(headers, sentAt), receivedAt);
	}

	private static Instant originalSentAt(MessageHeaders headers, Instant sentAt) {
		if (headers.get(DeadLetterAttributes.REDRIVEN_FROM) == null) {
			return sentAt;
		}
		Object original = headers.get(DeadLetterAttributes.SOURCE_SENT_TIMESTAMP);
		try {
			return (original == null) ? sentAt : Instant.ofEpochMilli(Long.parseLong(original.toString().trim()));
		}
		catch (NumberFormatException ex) {
			return sentAt;
		}
	}

	private static String identity(MessageHeaders headers) {
		String redrivenFrom = headers.get(DeadLetterAttributes.REDRIVEN_FROM, String.class);
		if (redrivenFrom != null && !redrivenFrom.isBlank()
				&& redrivenFrom.length() <= DeadLetterAttributes.MAX_ID_LENGTH) {
			return redrivenFrom;
		}
		return headers.get(SqsHeaders.SQS_RAW_MESSAGE_ID_HEADER, String.class);
	}

}
