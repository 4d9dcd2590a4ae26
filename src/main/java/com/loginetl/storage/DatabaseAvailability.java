package com.loginetl.storage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Whether the database takes writes. A failed write marks it unavailable; from then on a probe
 * ({@code SELECT 1}) runs with exponential backoff and jitter until the database answers, and
 * marks it available again ({@link ProbeBackoff} decides each wait). Consumers wait on it instead
 * of taking messages they cannot store.
 * <p>
 * An outage is expected, so it logs like one: a WARN when the database stops answering, another
 * every {@link #REMINDER_INTERVAL} while it stays away, and one when it answers again, each with
 * the cause's class and SQLSTATE. The failed probes in between log only at DEBUG.
 */
@Component
public class DatabaseAvailability implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(DatabaseAvailability.class);

	static final Duration REMINDER_INTERVAL = Duration.ofMinutes(5);

	private final JdbcClient jdbc;

	private final ProbeBackoff probeDelays;

	private final Clock clock = Clock.systemUTC();

	private final ScheduledExecutorService prober = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "database-probe");
		thread.setDaemon(true);
		return thread;
	});

	private final Object monitor = new Object();

	/** When the database stopped answering; null while it answers. Guarded by {@link #monitor}. */
	private Instant unavailableSince;

	/** When the last "still unavailable" line was written. Guarded by {@link #monitor}. */
	private Instant remindedAt;

	public DatabaseAvailability(JdbcClient jdbc, StorageProperties properties) {
		this.jdbc = jdbc;
		this.probeDelays = new ProbeBackoff(properties.retry());
	}

	public boolean isAvailable() {
		synchronized (this.monitor) {
			return this.unavailableSince == null;
		}
	}

	public Optional<Instant> unavailableSince() {
		synchronized (this.monitor) {
			return Optional.ofNullable(this.unavailableSince);
		}
	}

	/** Waits up to {@code timeout} for the database to be available; true if it is. */
	public boolean awaitAvailable(Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.monitor) {
			while (this.unavailableSince != null) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return false;
				}
				TimeUnit.NANOSECONDS.timedWait(this.monitor, left);
			}
			return true;
		}
	}

	/** A write failed for a reason other than its data: stop writing until a probe succeeds. */
	public void reportFailure(RuntimeException failure) {
		synchronized (this.monitor) {
			if (this.unavailableSince != null) {
				return;
			}
			Instant now = this.clock.instant();
			this.unavailableSince = now;
			this.remindedAt = now;
			this.probeDelays.failed(now);
		}
		log.warn("Database unavailable ({}); no more messages are taken from the queue until it answers, and "
				+ "batches in flight are left on the queue for redelivery", SqlFailures.describe(failure));
		log.debug("Database failure", failure);
		scheduleProbe();
	}

	private void scheduleProbe() {
		Duration delay;
		synchronized (this.monitor) {
			delay = this.probeDelays.nextDelay();
		}
		this.prober.schedule(this::probe, delay.toMillis(), TimeUnit.MILLISECONDS);
	}

	private void probe() {
		try {
			this.jdbc.sql("SELECT 1").query(Integer.class).single();
		}
		catch (RuntimeException stillDown) {
			remindIfDue(stillDown);
			scheduleProbe();
			return;
		}
		Duration outage;
		synchronized (this.monitor) {
			Instant recoveredAt = this.clock.instant();
			this.probeDelays.recovered(recoveredAt);
			outage = Duration.between(this.unavailableSince, recoveredAt);
			this.unavailableSince = null;
			this.monitor.notifyAll();
		}
		log.warn("Database answers again after {} s; taking messages again", outage.toSeconds());
	}

	private void remindIfDue(RuntimeException stillDown) {
		Duration outage = null;
		synchronized (this.monitor) {
			Instant now = this.clock.instant();
			if (!now.isBefore(this.remindedAt.plus(REMINDER_INTERVAL))) {
				this.remindedAt = now;
				outage = Duration.between(this.unavailableSince, now);
			}
		}
		if (outage != null) {
			log.warn("Database still unavailable after {} min ({}); checking again with backoff", outage.toMinutes(),
					SqlFailures.describe(stillDown));
		}
		else {
			log.debug("Database still unavailable ({}); checking again with backoff", SqlFailures.describe(stillDown));
		}
	}

	@Override
	public void destroy() {
		this.prober.shutdownNow();
	}

}
