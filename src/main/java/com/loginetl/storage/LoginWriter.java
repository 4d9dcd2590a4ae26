package com.loginetl.storage;

import java.sql.SQLException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stores a batch of rows: one insert, one transaction, idempotent by SQS message id.
 * <p>
 * If the database refuses the batch because of the data in it (a constraint or data error), the
 * batch is split in halves and each half retried, until the refused rows stand alone; they are
 * reported with their SQLSTATE and every other row is written. That costs O(k log n) statements
 * for k bad rows and always ends. Any other failure (connection lost, database down) is thrown unchanged:
 * nothing of the batch is then acknowledged and SQS redelivers it later.
 */
@Component
public class LoginWriter {

	private static final Logger log = LoggerFactory.getLogger(LoginWriter.class);

	private final UserLoginRepository repository;

	private final TransactionTemplate transaction;

	public LoginWriter(UserLoginRepository repository, TransactionTemplate transaction) {
		this.repository = repository;
		this.transaction = transaction;
	}

	public WriteOutcome write(List<UserLogin> rows) {
		Set<String> written = new HashSet<>();
		Map<String, String> refused = new LinkedHashMap<>();
		writeIsolatingBadRows(rows, written, refused);
		Set<String> duplicates = new HashSet<>();
		for (UserLogin row : rows) {
			if (!written.contains(row.sqsMessageId()) && !refused.containsKey(row.sqsMessageId())) {
				duplicates.add(row.sqsMessageId());
			}
		}
		return new WriteOutcome(written, duplicates, refused);
	}

	private void writeIsolatingBadRows(List<UserLogin> rows, Set<String> written, Map<String, String> refused) {
		try {
			written.addAll(this.transaction.execute((status) -> this.repository.insertNew(rows)));
		}
		catch (DataAccessException ex) {
			String sqlState = sqlState(ex);
			if (!isCausedByRowData(sqlState)) {
				throw ex;
			}
			if (rows.size() == 1) {
				log.warn("Database refused the row of message {} (SQLSTATE {})", rows.get(0).sqsMessageId(), sqlState);
				refused.put(rows.get(0).sqsMessageId(), sqlState);
				return;
			}
			int half = rows.size() / 2;
			writeIsolatingBadRows(rows.subList(0, half), written, refused);
			writeIsolatingBadRows(rows.subList(half, rows.size()), written, refused);
		}
	}

	/** SQLSTATE classes 22 (data exception), 23 (integrity constraint) and 54 (limit exceeded). */
	private static boolean isCausedByRowData(String sqlState) {
		return sqlState != null
				&& (sqlState.startsWith("22") || sqlState.startsWith("23") || sqlState.startsWith("54"));
	}

	static String sqlState(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException sql && sql.getSQLState() != null) {
				return sql.getSQLState();
			}
		}
		return null;
	}

}
