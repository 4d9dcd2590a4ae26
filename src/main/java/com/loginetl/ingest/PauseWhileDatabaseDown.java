package com.loginetl.ingest;

import java.time.Duration;

import com.loginetl.storage.DatabaseAvailability;
import io.awspring.cloud.sqs.listener.backpressure.BackPressureHandler;

/**
 * Grants no permits to poll while the database is unavailable, so that messages stay on the queue
 * instead of being received, failed and received again until a redrive policy moves good messages
 * to a dead-letter queue. First in the chain: when it says no, no other handler's permits are taken.
 */
class PauseWhileDatabaseDown implements BackPressureHandler {

	/** Short, so that a stopping container's polling thread notices soon. */
	private static final Duration WAIT = Duration.ofSeconds(1);

	private final DatabaseAvailability database;

	PauseWhileDatabaseDown(DatabaseAvailability database) {
		this.database = database;
	}

	@Override
	public int request(int amount) throws InterruptedException {
		return this.database.awaitAvailable(WAIT) ? amount : 0;
	}

	@Override
	public void release(int amount, ReleaseReason reason) {
		// Holds no permits of its own.
	}

	@Override
	public boolean drain(Duration timeout) {
		return true;
	}

}
