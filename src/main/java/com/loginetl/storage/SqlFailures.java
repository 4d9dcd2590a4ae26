package com.loginetl.storage;

import java.sql.SQLException;

/**
 * How a database failure is named in a log line or a health detail: the exception's class, the
 * SQLSTATE of the first {@link SQLException} in its causes, and the innermost cause's class (a
 * {@code SocketTimeoutException} or {@code ConnectException} tells an operator more than the
 * driver's wrapper). Never the messages, which can quote a row's values.
 */
public final class SqlFailures {

	private SqlFailures() {
	}

	/** The SQLSTATE of the first SQL exception among the causes, or null. */
	public static String sqlState(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException sql && sql.getSQLState() != null) {
				return sql.getSQLState();
			}
		}
		return null;
	}

	/** For example {@code DataAccessResourceFailureException, SQLSTATE 08006, cause SocketTimeoutException}. */
	public static String describe(Throwable failure) {
		StringBuilder description = new StringBuilder(failure.getClass().getSimpleName());
		String sqlState = sqlState(failure);
		if (sqlState != null) {
			description.append(", SQLSTATE ").append(sqlState);
		}
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		if (root != failure) {
			description.append(", cause ").append(root.getClass().getSimpleName());
		}
		return description.toString();
	}

}
