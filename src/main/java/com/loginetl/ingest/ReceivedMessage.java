package com.loginetl.ingest;

import java.time.Instant;

import com.loginetl.masking.DeadLetterSeal;
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
 * @param redriveIgnored whether it carried redrive attributes that {@code redrive_seal} did not
 * vouch for, and which were therefore ignored
 */
record ReceivedMessage(Message<String> message, String messageId, String body, Instant sentAt,
		Instant originalSentAt, Instant receivedAt, boolean redriveIgnored) {

	/**
	 * Reads a received message. Its {@code redriven_from} and {@code source_sent_timestamp} are
	 * honoured only when {@code redrive_seal} verifies them over this body and {@code redriven_from}
	 * is a message id; otherwise the message is what SQS says it is, its own id and send time.
	 */
	static ReceivedMessage of(Message<String> message, DeadLetterSeal seal) {
		MessageHeaders headers = message.getHeaders();
		Instant receivedAt = headers.get(SqsHeaders.SQS_RECEIVED_AT_HEADER, Instant.class);
		if (receivedAt == null) {
			receivedAt = Instant.now();
		}
		String sentTimestamp = headers.get(SqsHeaders.MessageSystemAttributes.SQS_SENT_TIMESTAMP, String.class);
		Instant sentAt = sentTimestamp == null ? receivedAt : Instant.ofEpochMilli(Long.parseLong(sentTimestamp));
		String ownId = headers.get(SqsHeaders.SQS_RAW_MESSAGE_ID_HEADER, String.class);
		String redrivenFrom = text(headers, DeadLetterAttributes.REDRIVEN_FROM);
		String originalSent = text(headers, DeadLetterAttributes.SOURCE_SENT_TIMESTAMP);
		String redriveSeal = text(headers, DeadLetterAttributes.REDRIVE_SEAL);
		if (redrivenFrom == null && originalSent == null && redriveSeal == null) {
			return new ReceivedMessage(message, ownId, message.getPayload(), sentAt, sentAt, receivedAt, false);
		}
		Instant original = epochMillis(originalSent);
		if (MessageIds.isMessageId(redrivenFrom) && original != null
				&& seal.verifiesRedrive(redrivenFrom, originalSent, message.getPayload(), redriveSeal)) {
			return new ReceivedMessage(message, redrivenFrom, message.getPayload(), sentAt, original, receivedAt, false);
		}
		return new ReceivedMessage(message, ownId, message.getPayload(), sentAt, sentAt, receivedAt, true);
	}

	private static String text(MessageHeaders headers, String name) {
		Object value = headers.get(name);
		return (value == null) ? null : value.toString();
	}

	private static Instant epochMillis(String value) {
		if (value == null) {
			return null;
		}
		try {
			return Instant.ofEpochMilli(Long.parseLong(value));
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}
