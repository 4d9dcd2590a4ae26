package com.loginetl;

/**
 * Names of the fields that log events carry beside their message, as SLF4J key-value pairs or MDC
 * entries: structured formats ({@code logging.structured.format.console}) write each as a JSON
 * field, so a log pipeline can search by message id without parsing the text; plain text shows the
 * same ids in the message. Values are SQS message ids, reasons, SQLSTATEs and generated ids, never
 * a value from a message body.
 */
public final class LogFields {

	/** The id of the one message an event is about (a rejection, a refused row). */
	public static final String MESSAGE_ID = "message_id";

	/** The ids of the messages an event is about (blocked rows, duplicates, a given-up batch), a JSON array. */
	public static final String MESSAGE_IDS = "message_ids";

	/** Why a message was rejected, as its dead letter's {@code reason} attribute says. */
	public static final String REASON = "reason";

	/** The SQLSTATE the database answered with. */
	public static final String SQL_STATE = "sql_state";

	/**
	 * An id of the received batch, in the MDC of every event logged while it is processed, so that
	 * a batch's lines can be found together.
	 */
	public static final String BATCH_ID = "batch_id";

	private LogFields() {
	}

}
