package com.loginetl.storage;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/** Inserts rows that are not stored yet, by SQS message id (and its sent date). */
public interface NewLoginInserts {

	/**
	 * Inserts every row whose SQS message id is not stored yet, in one statement.
	 * @return the SQS message ids of the rows this call inserted; the others were already there
	 */
	Set<String> insertNew(List<UserLogin> rows);

	/**
	 * As {@link #insertNew}, but a row lock held by another session is waited for at most
	 * {@code lockWait}, whatever the session's {@code lock_timeout}. Only inside a transaction,
	 * which the limit lasts for.
	 */
	Set<String> insertNewWaitingAtMost(List<UserLogin> rows, Duration lockWait);

}
