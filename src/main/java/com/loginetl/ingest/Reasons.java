package com.loginetl.ingest;

/**
 * The rejection reasons, in one place. Each is short, machine-readable and built from field names
 * and SQLSTATE codes only, so the set is bounded (safe as a metric tag) and never carries a value.
 */
public final class Reasons {

	public static final String NOT_JSON = "not_json";

	public static final String NOT_AN_OBJECT = "not_an_object";

	public static final String MISSING_USER_ID = "missing_user_id";

	public static final String BLANK_USER_ID = "blank_user_id";

	private Reasons() {
	}

	public static String wrongType(String field) {
		return "wrong_type:" + field;
	}

	public static String tooLong(String field) {
		return "too_long:" + field;
	}

	public static String invalidCharacter(String field) {
		return "invalid_character:" + field;
	}

	/** The database refused the row itself (a constraint or data error), with its SQLSTATE. */
	public static String databaseRejected(String sqlState) {
		return "database_rejected:" + sqlState;
	}

}
