package com.loginetl.ops;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.stereotype.Component;

/**
 * The service's meters, in one place. Tags carry rejection reasons only (a bounded set of field
 * names and SQLSTATE codes), never a value from a message.
 */
@Component
public class LoginMetrics {

	private final MeterRegistry registry;

	private final Counter received;

	private final Counter written;

	private final Counter duplicates;

	private final Counter deadLetterFailures;

	private final Counter storeFailures;

	private final Counter blocked;

	private final Counter givenUp;

	private final Counter redriveAttributesIgnored;

	private final Counter deadLetterBodiesOmitted;

	private final Timer batch;

	private final Timer lag;

	public LoginMetrics(MeterRegistry registry) {
		this.registry = registry;
		this.received = Counter.builder("logins.received")
			.description("Messages taken off the queue")
			.register(registry);
		this.written = Counter.builder("logins.written").description("Rows committed").register(registry);
		this.duplicates = Counter.builder("logins.duplicates")
			.description("Redelivered messages whose row was already stored")
			.register(registry);
		this.deadLetterFailures = Counter.builder("logins.dead_letter.failures")
			.description("Rejected messages that could not be sent to the dead-letter queue (they stay on the queue)")
			.register(registry);
		this.storeFailures = Counter.builder("logins.store.failures")
			.description("Batches the database could not take (their messages stay on the queue)")
			.register(registry);
		this.blocked = Counter.builder("logins.blocked")
			.description("Messages whose row another session kept locked longer than the lock timeout "
					+ "(they stay on the queue)")
			.register(registry);
		this.givenUp = Counter.builder("logins.batches.given_up")
			.description("Batches still in progress after the longest processing time, whose visibility "
					+ "was no longer extended")
			.register(registry);
		this.redriveAttributesIgnored = Counter.builder("logins.redrive.attributes.ignored")
			.description("Messages whose redriven_from or source_sent_timestamp no valid redrive_seal vouched for "
					+ "(stored under their own id and SentTimestamp)")
			.register(registry);
		this.deadLetterBodiesOmitted = Counter.builder("logins.dead_letter.bodies_omitted")
			.description("Rejected messages too large to seal into one dead letter, dead-lettered without their body")
			.register(registry);
		this.batch = Timer.builder("logins.batch")
			.description("Time from receiving a batch to committing its rows")
			.publishPercentileHistogram()
			.register(registry);
		this.lag = Timer.builder("logins.lag")
			.description("Time from SQS accepting a message to its row being committed")
			.publishPercentileHistogram()
			.register(registry);
	}

	public void received(int messages) {
		this.received.increment(messages);
	}

	public void written(int rows) {
		this.written.increment(rows);
	}

	public void duplicates(int rows) {
		this.duplicates.increment(rows);
	}

	public void rejected(String reason) {
		Counter.builder("logins.rejected")
			.description("Messages sent to the dead-letter queue, by reason")
			.tag("reason", reason)
			.register(this.registry)
			.increment();
	}

	public void deadLetterFailed() {
		this.deadLetterFailures.increment();
	}

	public void storeFailed() {
		this.storeFailures.increment();
	}

	public void blocked(int messages) {
		this.blocked.increment(messages);
	}

	public void batchGivenUp() {
		this.givenUp.increment();
	}

	public void redriveAttributesIgnored(int messages) {
		this.redriveAttributesIgnored.increment(messages);
	}

	public void deadLetterBodyOmitted() {
		this.deadLetterBodiesOmitted.increment();
	}

	public void batch(Duration receiptToCommit) {
		this.batch.record(receiptToCommit);
	}

	public void lag(Duration sentToCommit) {
		this.lag.record(sentToCommit);
	}

}
