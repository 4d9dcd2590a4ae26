package com.loginetl.ops;

import com.loginetl.storage.DatabaseAvailability;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * Readiness of the ingest itself: DOWN while consumption is paused because the database stopped
 * answering. Answers at once, unlike a database check that waits for a connection timeout.
 */
@Component("ingest")
class IngestHealthIndicator extends AbstractHealthIndicator {

	private final DatabaseAvailability database;

	IngestHealthIndicator(DatabaseAvailability database) {
		this.database = database;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		this.database.unavailableSince()
			.ifPresentOrElse((since) -> builder.down()
				.withDetail("paused", "database unavailable; no messages are taken from the queue")
				.withDetail("since", since.toString()), builder::up);
	}

}
