package com.loginetl.dlq;

import java.time.Instant;

import com.loginetl.ingest.DeadLetterAttributes;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * One received dead letter. The body is kept only to send it back unchanged; it holds raw PII, so
 * {@link #toString()} leaves it out and nothing prints it.
 *
 * @param messageId the dead letter's own SQS message id
 * @param reason its {@code reason} attribute, or {@value #NO_REASON}
 * @param sourceMessageId its {@code source_message_id} attribute, or {@code null}
 * @param sentAt when the dead-letter queue accepted it
 * @param sourceSentAt its {@code source_sent_timestamp} attribute (when SQS accepted the original
 * message), or {@code null} for a dead letter written before the attribute existed
 */
record DeadLetter(String messageId, String receiptHandle, String reason, String sourceMessageId, Instant sentAt,
		Instant sourceSentAt, String body) {

	static final String NO_REASON = "(none)";

	static DeadLetter of(Message message) {
		String sent = message.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP);
		String reason = text(message.messageAttributes().get(DeadLetterAttributes.REASON));
		return new DeadLetter(message.messageId(), message.receiptHandle(), (reason == null) ? NO_REASON : reason,
				text(message.messageAttributes().get(DeadLetterAttributes.SOURCE_MESSAGE_ID)),
				epochMillis(sent), epochMillis(text(message.messageAttributes().get(DeadLetterAttributes.SOURCE_SENT_TIMESTAMP))),
				message.body());
	}

	/**
	 * When the original message was sent: the attribute, or for an older dead letter without it
	 * the dead letter's own time (later, so the row may fall on a later day than the original).
	 */
	Instant originalSentAt() {
		if (this.sourceSentAt != null) {
			return this.sourceSentAt;
		}
		return (this.sentAt != null) ? this.sentAt : Instant.now();
	}

	/** The original message this is a copy of: its source message id, or its own id without one. */
	String original() {
		return (this.sourceMessageId != null) ? this.sourceMessageId : this.messageId;
	}

	/** The same dead letter without its body, for holding many in memory. */
	DeadLetter withoutBody() {
		return new DeadLetter(this.messageId, this.receiptHandle, this.reason, this.sourceMessageId, this.sentAt,
				this.sourceSentAt, null);
	}

	@Override
	public String toString() {
		return "DeadLetter[" + this.messageId + ", reason " + this.reason + ", source " + this.sourceMessageId + "]";
	}

	private static Instant epochMillis(String value) {
		if (value == null) {
			return null;
		}
		try {
			return Instant.ofEpochMilli(Long.parseLong(value.trim()));
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	private static String text(MessageAttributeValue value) {
		return (value == null) ? null : value.stringValue();
	}

}
