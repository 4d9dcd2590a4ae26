package com.loginetl.storage;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.loginetl.LogFields;
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
 * for k bad rows and always ends.
 * <p>
 * If a row waits longer than {@code logins.database.lock-timeout} for a lock another session holds
 * (SQLSTATE 55P03: an open transaction that inserted the same message id), the batch is written
 * again row by row, each waiting only briefly, so that one locked row holds back no other; the
 * locked rows are reported as blocked, to be tried again when SQS redelivers their messages. Any
 * other failure (connection lost, database down, statement timeout) is thrown unchanged: nothing of
 * the batch is then acknowledged and SQS redelivers it later.
 */
@Component
public class LoginWriter {

	private static final Logger log = LoggerFactory.getLogger(LoginWriter.class);

	/** PostgreSQL's lock_not_available: lock_timeout ran out. */
	static final String LOCK_NOT_AVAILABLE = "55P03";

	/**
	 * How long a row written alone after a lock timeout waits for a lock: long enough for an
	 * ordinary concurrent transaction to end, short enough that a batch of ten locked rows (a
	 * locked table) costs seconds, not ten lock timeouts.
	 */
	private static final Duration RETRY_LOCK_WAIT = Duration.ofMillis(500);

	private final UserLoginRepository repository;

	private final TransactionTemplate transaction;

	public LoginWriter(UserLoginRepository repository, TransactionTemplate transaction) {
		this.repository = repository;
		this.transaction = transaction;
	}

	public WriteOutcome write(List<UserLogin> rows) {
		Set<String> written = new HashSet<>();
		Map<String, String> refused = new LinkedHashMap<>();
		Set<String> blocked = new LinkedHashSet<>();
		writeIsolatingBadRows(rows, written, refused, blocked);
		Set<String> duplicates = new HashSet<>();
		for (UserLogin row : rows) {
			String id = row.sqsMessageId();
			if (!written.contains(id) && !refused.containsKey(id) && !blocked.contains(id)) {
				duplicates.add(id);
			}
		}
		return new WriteOutcome(written, duplicates, refused, blocked);
	}

	private void writeIsolatingBadRows(List<UserLogin> rows, Set<String> written, Map<String, String> refused,
			Set<String> blocked) {
		try {
			written.addAll(this.transaction.execute((status) -> this.repository.insertNew(rows)));
		}
		catch (DataAccessException ex) {
			String sqlState = sqlState(ex);
			if (LOCK_NOT_AVAILABLE.equals(sqlState)) {
				writeEachWithoutWaiting(rows, written, refused, blocked);
				return;
			}
			if (!isCausedByRowData(sqlState)) {
				throw ex;
			}
			if (rows.size() == 1) {
				refusedRow(rows.get(0).sqsMessageId(), sqlState);
				refused.put(rows.get(0).sqsMessageId(), sqlState);
				return;
			}
			int half = rows.size() / 2;
			writeIsolatingBadRows(rows.subList(0, half), written, refused, blocked);
			writeIsolatingBadRows(rows.subList(half, rows.size()), written, refused, blocked);
		}
	}

	private void writeEachWithoutWaiting(List<UserLogin> rows, Set<String> written, Map<String, String> refused,
			Set<String> blocked) {
		for (UserLogin row : rows) {
			String id = row.sqsMessageId();
			try {
				written.addAll(this.transaction
					.execute((status) -> this.repository.insertNewWaitingAtMost(List.of(row), RETRY_LOCK_WAIT)));
			}
			catch (DataAccessException ex) {
				String sqlState = sqlState(ex);
				if (LOCK_NOT_AVAILABLE.equals(sqlState)) {
					blocked.add(id);
				}
				else if (isCausedByRowData(sqlState)) {
					refusedRow(id, sqlState);
					refused.put(id, sqlState);
				}
				else {
					throw ex;
				}
			}
		}
	}

	private static void refusedRow(String messageId, String sqlState) {
		log.atWarn()
			.addKeyValue(LogFields.MESSAGE_ID, messageId)
			.addKeyValue(LogFields.SQL_STATE, sqlState)
			.log("Database refused the row of message {} (SQLSTATE {})", messageId, sqlState);
	}

	/** SQLSTATE classes 22 (data exception), 23 (integrity constraint) and 54 (limit exceeded). */
	private static boolean isCausedByRowData(String sqlState) {
		return sqlState != null
				&& (sqlState.startsWith("22") || sqlState.startsWith("23") || sqlState.startsWith("54"));
	}

	static String sqlState(Throwable ex) {
		return SqlFailures.sqlState(ex);
	}

}
