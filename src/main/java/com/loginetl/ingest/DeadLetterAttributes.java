package com.loginetl.ingest;

/**
 * The message attributes that tie a dead letter to its source message, in one place for the
 * service and the {@code dlq} commands.
 */
public final class DeadLetterAttributes {

	/** On a dead letter: why it was rejected (see {@link Reasons}). */
	public static final String REASON = "reason";

	/** On a dead letter: the id of the source message it was rejected as. */
	public static final String SOURCE_MESSAGE_ID = "source_message_id";

	/**
	 * On a dead letter: how its body is kept. {@value #SEALED_V1}: sealed (see
	 * {@code DeadLetterSeal}); {@value #SEALED_OMITTED}: too large to seal into one SQS message, so
	 * the body is a note without any of the original. Without it, a dead letter made before bodies
	 * were sealed, whose body is the original.
	 */
	public static final String SEALED = "sealed";

	/** {@link #SEALED}: the body is the Base64 seal of the (possibly Deflate-compressed) original. */
	public static final String SEALED_V1 = "v1";

	/** {@link #SEALED}: the original was too large to seal into one message and was not kept. */
	public static final String SEALED_OMITTED = "omitted";

	/**
	 * On a message {@code dlq redrive} sent back to the source queue: the id of the original
	 * message. The service stores it as the row's idempotency key, so a dead letter sent back twice
	 * is one row, but only when {@link #REDRIVE_SEAL} vouches for it.
	 */
	public static final String REDRIVEN_FROM = "redriven_from";

	/**
	 * On a dead letter, and on a message {@code dlq redrive} sent back: the original message's
	 * {@code SentTimestamp} (epoch milliseconds). A redriven row's {@code create_date} comes from it,
	 * so that the row's key, {@code (sqs_message_id, create_date)}, is the same on whatever day the
	 * dead letter is sent back.
	 */
	public static final String SOURCE_SENT_TIMESTAMP = "source_sent_timestamp";

	/**
	 * On a message {@code dlq redrive} sent back: the seal of {@link #REDRIVEN_FROM} and
	 * {@link #SOURCE_SENT_TIMESTAMP} over a SHA-256 of the body, made with the key derived from the
	 * masking keyset. Without a seal that verifies, the service ignores the other two, so that a
	 * producer cannot choose a row's identity or date.
	 */
	public static final String REDRIVE_SEAL = "redrive_seal";

	private DeadLetterAttributes() {
	}

}
