package com.loginetl.storage;

import java.time.Duration;
import java.time.Instant;

import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The waits before each probe of a database that stopped taking writes: exponential from
 * {@code logins.database.retry.initial-interval}, doubling up to {@code max-interval}, with jitter
 * of half the current wait either way (never below the first wait or above the longest).
 * <p>
 * A failure that comes within the longest wait of the last recovery goes on where the waits had
 * got to: a database that answers {@code SELECT 1} but keeps failing writes (a dropped table, a
 * revoked grant) must not make every batch fail at the first interval. A failure that comes later
 * starts again at the first wait. Not thread-safe: {@link DatabaseAvailability} guards it.
 */
final class ProbeBackoff {

	private final ExponentialBackOff backOff;

	private final Duration maxInterval;

	private BackOffExecution delays;

	private Instant recoveredAt = Instant.MIN;

	ProbeBackoff(StorageProperties.Retry retry) {
		this.backOff = new ExponentialBackOff(retry.initialInterval().toMillis(), 2.0);
		this.backOff.setMaxInterval(retry.maxInterval().toMillis());
		// Replicas that lost the database together should not all come back in the same instant.
		this.backOff.setJitter(retry.initialInterval().toMillis() / 2);
		this.maxInterval = retry.maxInterval();
	}

	/** A write failed at {@code now}, with the database marked available until then. */
	void failed(Instant now) {
		if (this.delays == null || this.recoveredAt.isBefore(now.minus(this.maxInterval))) {
			this.delays = this.backOff.start();
		}
	}

	/** The wait before the next probe. */
	Duration nextDelay() {
		return Duration.ofMillis(Math.max(this.delays.nextBackOff(), 0));
	}

	/** A probe found the database back at {@code now}. */
	void recovered(Instant now) {
		this.recoveredAt = now;
	}

}
