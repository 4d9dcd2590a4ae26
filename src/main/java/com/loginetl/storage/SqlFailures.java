package com.loginetl.storage;

import java.sql.SQLException;

import org.springframework.transaction.TransactionSystemException;

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

	/**
	 * For example {@code DataAccessResourceFailureException, SQLSTATE 08006, cause SocketTimeoutException}.
	 * A rollback that failed on the connection the first failure broke (the pool has closed it)
	 * names that first failure, which the rollback's exception hides:
	 * {@code ..., cause SocketException; the rollback failed too (TransactionSystemException)}.
	 */
	public static String describe(Throwable failure) {
		if (failure instanceof TransactionSystemException rollback && rollback.getApplicationException() != null) {
			return describeOne(rollback.getApplicationException()) + "; the rollback failed too ("
					+ rollback.getClass().getSimpleName() + ")";
		}
		return describeOne(failure);
	}

	private static String describeOne(Throwable failure) {
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
