package com.loginetl.ingest;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.awspring.cloud.sqs.listener.backpressure.BackPressureHandler;

/**
 * A batching window for low traffic, like Lambda's {@code MaximumBatchingWindowInSeconds}: a poll
 * that returned less than a full batch is followed by its next receive only {@code window} after
 * it returned, so that messages gather on the queue meanwhile and the next poll brings more of
 * them (fewer requests, larger inserts, less CPU per message) at the price of at most
 * {@code window} of lag. A poll that returned a full batch, or none (its long poll already waited),
 * is followed at once, so a backlog drains as without it.
 * <p>
 * Last in the chain, after the concurrency limit: the container's one polling thread asks for
 * permits before every receive, and the handler learns of every finished poll through the release
 * of its unused permits ({@code PARTIAL_FETCH}, zero for a full batch). Each partial poll puts the
 * time its successor may start in a queue; each permit request takes the oldest and waits until
 * then. Polls that return together therefore wait together, not one after another.
 */
class BatchingWindow implements BackPressureHandler {

	private final long windowNanos;

	private final int maxResting;

	// when the successors of recent partial polls may start, oldest first
	private final ConcurrentLinkedQueue<Long> resting = new ConcurrentLinkedQueue<>();

	private final LongSupplier nanoTime;

	private final Sleeper sleeper;

	private volatile boolean draining;

	/**
	 * @param window how long after a partial poll its successor starts; zero turns the window off
	 * @param pollers how many polls can be open at once (max-concurrent-messages over
	 * max-messages-per-poll), and so how many can be resting
	 */
	BatchingWindow(Duration window, int pollers) {
		this(window, pollers, System::nanoTime, TimeUnit.NANOSECONDS::sleep);
	}

	BatchingWindow(Duration window, int pollers, LongSupplier nanoTime, Sleeper sleeper) {
		this.windowNanos = window.toNanos();
		this.maxResting = Math.max(1, pollers);
		this.nanoTime = nanoTime;
		this.sleeper = sleeper;
	}

	@Override
	public int request(int amount) throws InterruptedException {
		Long readyAt = this.resting.poll();
		if (readyAt != null && !this.draining) {
			long wait = readyAt - this.nanoTime.getAsLong();
			if (wait > 0) {
				this.sleeper.sleep(Math.min(wait, this.windowNanos));
			}
		}
		return amount;
	}

	@Override
	public void release(int amount, ReleaseReason reason) {
		if (reason == ReleaseReason.PARTIAL_FETCH && amount > 0 && this.windowNanos > 0) {
			this.resting.add(this.nanoTime.getAsLong() + this.windowNanos);
			while (this.resting.size() > this.maxResting) {
				this.resting.poll();
			}
		}
	}

	@Override
	public boolean drain(Duration timeout) {
		// a stopping container must not wait out a window
		this.draining = true;
		return true;
	}

	/** Waits {@code nanos}; a test's stands in for Thread.sleep. */
	@FunctionalInterface
	interface Sleeper {

		void sleep(long nanos) throws InterruptedException;

	}

}
