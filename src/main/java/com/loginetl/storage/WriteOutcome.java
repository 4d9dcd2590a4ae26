package com.loginetl.storage;

import java.util.Map;
import java.util.Set;

/**
 * What became of a batch of rows, by SQS message id: newly written, already stored (a
 * redelivery), refused by the database because of its data, or not written because another
 * session held the lock of its row longer than {@code logins.database.lock-timeout}.
 *
 * @param refused the SQLSTATE the database gave for each refused row
 * @param blocked rows to try again later: their messages are left on the queue for redelivery
 */
public record WriteOutcome(Set<String> written, Set<String> duplicates, Map<String, String> refused,
		Set<String> blocked) {
}
