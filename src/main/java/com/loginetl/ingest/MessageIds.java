package com.loginetl.ingest;

import java.util.regex.Pattern;

/**
 * What a message id must look like before it becomes a row's identity or reaches a log line. SQS
 * message ids are UUIDs; an id a producer could choose (an attribute) is only taken when it is one,
 * so that it cannot carry line breaks or fake log text.
 */
public final class MessageIds {

	private static final Pattern UUID = Pattern
		.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

	private MessageIds() {
	}

	/** Whether {@code id} has the form of an SQS message id. */
	public static boolean isMessageId(String id) {
		return id != null && UUID.matcher(id).matches();
	}

	/**
	 * {@code id} as it may appear in a log line or a command's output: unchanged when it has the form
	 * of a message id, otherwise quoted with every character outside printable ASCII, and the quote
	 * and backslash, escaped as {@code \\uXXXX}, at most 80 characters of it.
	 */
	public static String forLog(String id) {
		if (id == null || isMessageId(id)) {
			return id;
		}
		StringBuilder escaped = new StringBuilder("\"");
		String shown = (id.length() > 80) ? id.substring(0, 80) : id;
		for (char c : shown.toCharArray()) {
			if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
				escaped.append(c);
			}
			else {
				escaped.append(String.format("\\u%04x", (int) c));
			}
		}
		return escaped.append(id.length() > 80 ? "...\"" : "\"").toString();
	}

}
