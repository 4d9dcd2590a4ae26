package com.loginetl.storage;

import java.util.Map;
import java.util.Set;

/**
 * What became of a batch of rows, by SQS message id: newly written, already stored (a
 * redelivery), or refused by the database because of its data.
 *
 * @param refused the SQLSTATE the database gave for each refused row
 */
public record WriteOutcome(Set<String> written, Set<String> duplicates, Map<String, String> refused) {
}
