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
	 * On a message {@code dlq redrive} sent back to the source queue: the id of the original
	 * message. The service stores it as the row's idempotency key, so a dead letter sent back twice
	 * is one row.
	 */
	public static final String REDRIVEN_FROM = "redriven_from";

	/**
	 * On a dead letter, and on a message {@code dlq redrive} sent back: the original message's
	 * {@code SentTimestamp} (epoch milliseconds). A redriven row's {@code create_date} comes from it,
	 * so that the row's key, {@code (sqs_message_id, create_date)}, is the same on whatever day the
	 * dead letter is sent back.
	 */
	public static final String SOURCE_SENT_TIMESTAMP = "source_sent_timestamp";

	/** The {@code sqs_message_id} column's width; a longer {@link #REDRIVEN_FROM} is not an id. */
	static final int MAX_ID_LENGTH = 128;

	private DeadLetterAttributes() {
	}

}
