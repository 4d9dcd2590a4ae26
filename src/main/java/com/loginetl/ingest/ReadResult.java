package com.loginetl.ingest;

/** What reading one message body gave: an event, or the reason it is not one. */
public sealed interface ReadResult {

	record Valid(LoginEvent event) implements ReadResult {
	}

	/**
	 * @param reason short and machine-readable ({@code not_json}, {@code wrong_type:ip}, ...); it
	 * names fields, never values, so it is safe in logs, metrics and message attributes
	 */
	record Invalid(String reason) implements ReadResult {
	}

}
