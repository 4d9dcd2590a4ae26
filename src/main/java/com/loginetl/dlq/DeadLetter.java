package com.loginetl.dlq;

import java.time.Instant;

import com.loginetl.ingest.DeadLetterAttributes;
import com.loginetl.masking.DeadLetterSeal;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * One received dead letter. The body is kept only to open it and send it back; an unsealed one
 * (written before bodies were sealed) holds raw PII, so {@link #toString()} leaves it out and
 * nothing prints it but {@code dlq show}.
 *
 * @param messageId the dead letter's own SQS message id
 * @param reason its {@code reason} attribute, or {@value #NO_REASON}
 * @param sourceMessageId its {@code source_message_id} attribute, or {@code null}
 * @param sentAt when the dead-letter queue accepted it
 * @param sourceSentAt its {@code source_sent_timestamp} attribute (when SQS accepted the original
 * message), or {@code null} for a dead letter written before the attribute existed
 * @param sealed its {@code sealed} attribute: {@code v1}, {@code omitted}, or {@code null} for a
 * dead letter written before bodies were sealed
 * @param sealedKeyId the id of the key that sealed the body, read from its prefix; {@code null} when
 * the body is not sealed
 */
record DeadLetter(String messageId, String receiptHandle, String reason, String sourceMessageId, Instant sentAt,
		Instant sourceSentAt, String sealed, Integer sealedKeyId, String body) {

	static final String NO_REASON = "(none)";

	/** A dead letter as the service wrote it before bodies were sealed. */
	DeadLetter(String messageId, String receiptHandle, String reason, String sourceMessageId, Instant sentAt,
			Instant sourceSentAt, String body) {
		this(messageId, receiptHandle, reason, sourceMessageId, sentAt, sourceSentAt, null, null, body);
	}

	static DeadLetter of(Message message) {
		String sent = message.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP);
		String reason = text(message.messageAttributes().get(DeadLetterAttributes.REASON));
		String sealed = text(message.messageAttributes().get(DeadLetterAttributes.SEALED));
		Integer keyId = null;
		if (DeadLetterAttributes.SEALED_V1.equals(sealed)) {
			var prefix = DeadLetterSeal.keyIdOf(message.body());
			keyId = prefix.isPresent() ? prefix.getAsInt() : null;
		}
		return new DeadLetter(message.messageId(), message.receiptHandle(), (reason == null) ? NO_REASON : reason,
				text(message.messageAttributes().get(DeadLetterAttributes.SOURCE_MESSAGE_ID)),
				epochMillis(sent), epochMillis(text(message.messageAttributes().get(DeadLetterAttributes.SOURCE_SENT_TIMESTAMP))),
				sealed, keyId, message.body());
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

	/** Whether its body is the sealed original (as opposed to a plain one, or none). */
	boolean isSealed() {
		return DeadLetterAttributes.SEALED_V1.equals(this.sealed);
	}

	/** Whether the original was too large to seal and is not in the dead letter. */
	boolean isOmitted() {
		return DeadLetterAttributes.SEALED_OMITTED.equals(this.sealed);
	}

	/** Whether its body is the original itself: a dead letter written before bodies were sealed. */
	boolean isPlain() {
		return this.sealed == null;
	}

	/**
	 * The original body: opened with {@code seal} when sealed, as it is when plain; {@code null} when
	 * the seal does not open it (a key not in the keyset, or tampered with) or it holds no body.
	 */
	String originalBody(DeadLetterSeal seal) {
		if (isPlain()) {
			return this.body;
		}
		if (isSealed() && this.body != null && this.sourceMessageId != null) {
			return seal.openBody(this.sourceMessageId, this.body).orElse(null);
		}
		return null;
	}

	/** The same dead letter without its body, for holding many in memory. */
	DeadLetter withoutBody() {
		return withBody(null);
	}

	/** The same dead letter with another body (its original, opened, to send back). */
	DeadLetter withBody(String body) {
		return new DeadLetter(this.messageId, this.receiptHandle, this.reason, this.sourceMessageId, this.sentAt,
				this.sourceSentAt, this.sealed, this.sealedKeyId, body);
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
