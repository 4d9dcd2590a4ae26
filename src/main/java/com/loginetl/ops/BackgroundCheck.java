package com.loginetl.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.loginetl.storage.SqlFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.SmartLifecycle;

/**
 * A health indicator whose check runs in the background every {@code logins.health.check-interval} and is
 * read from its last result, so that a probe never waits for a connection or a timeout. A check
 * that has not answered within {@code logins.health.check-timeout} counts as DOWN while it goes on.
 * <p>
 * The state changes are logged like an expected fault: one WARN when it goes DOWN, one every
 * {@link #REMINDER_INTERVAL} while it stays DOWN, one when it is UP again; with the cause's class
 * (and SQLSTATE), and the stack trace only at DEBUG.
 */
class BackgroundCheck implements HealthIndicator, SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(BackgroundCheck.class);

	static final Duration REMINDER_INTERVAL = Duration.ofMinutes(5);

	private final String name;

	private final Duration interval;

	private final Duration timeout;

	private final Callable<Map<String, Object>> check;

	private final Clock clock = Clock.systemUTC();

	private final Object monitor = new Object();

	private ScheduledExecutorService scheduler;

	private ExecutorService worker;

	/** The check in progress or last done. Only used on the scheduler's thread. */
	private Future<Map<String, Object>> running;

	/** The last result. Guarded by {@link #monitor}. */
	private Health health;

	/** When the state last went DOWN, and when that was last logged. Guarded by {@link #monitor}. */
	private Instant downSince;

	private Instant remindedAt;

	/**
	 * @param name what is checked, as in log lines ("database", "SQS")
	 * @param check returns the details of a healthy answer, or throws
	 */
	BackgroundCheck(String name, HealthProperties properties, Callable<Map<String, Object>> check) {
		this.name = name;
		this.interval = properties.checkInterval();
		this.timeout = properties.checkTimeout();
		this.check = check;
		this.health = Health.down().withDetail("error", "not checked yet").build();
	}

	/** The last result, at once. */
	@Override
	public Health health() {
		synchronized (this.monitor) {
			return this.health;
		}
	}

	@Override
	public void start() {
		synchronized (this.monitor) {
			this.worker = Executors.newSingleThreadExecutor((task) -> daemon(task, "health-check-" + this.name));
			this.scheduler = Executors.newSingleThreadScheduledExecutor((task) -> daemon(task, "health-" + this.name));
			this.scheduler.scheduleWithFixedDelay(this::runOnce, 0, this.interval.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	@Override
	public void stop() {
		synchronized (this.monitor) {
			if (this.scheduler != null) {
				this.scheduler.shutdownNow();
				this.worker.shutdownNow();
				this.scheduler = null;
				this.worker = null;
			}
		}
	}

	@Override
	public boolean isRunning() {
		synchronized (this.monitor) {
			return this.scheduler != null;
		}
	}

	/** On the scheduler's thread: one check at a time, each waited for at most the timeout. */
	private void runOnce() {
		ExecutorService worker;
		synchronized (this.monitor) {
			worker = this.worker;
		}
		if (worker == null) {
			return;
		}
		if (this.running == null || this.running.isDone()) {
			this.running = worker.submit(this.check);
		}
		Instant started = this.clock.instant();
		try {
			Map<String, Object> details = this.running.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
			up(Health.up().withDetails(details).withDetail("checkedAt", started.toString()).build());
		}
		catch (TimeoutException ex) {
			// The check goes on (a JDBC call is bounded by the socket timeout); the next run waits for it.
			down("no answer within " + this.timeout.toMillis() + " ms", null);
		}
		catch (ExecutionException ex) {
			down(describe(ex.getCause()), ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void up(Health health) {
		Duration outage = null;
		synchronized (this.monitor) {
			if (this.downSince != null && this.health.getStatus().equals(Status.DOWN)) {
				outage = Duration.between(this.downSince, this.clock.instant());
			}
			this.downSince = null;
			this.health = health;
		}
		if (outage != null) {
			log.warn("Health check of {} passes again after {} s", this.name, outage.toSeconds());
		}
	}

	private void down(String error, Throwable failure) {
		boolean changed = false;
		Duration outage = null;
		Instant now = this.clock.instant();
		synchronized (this.monitor) {
			if (this.downSince == null) {
				this.downSince = now;
				this.remindedAt = now;
				changed = true;
			}
			else if (!now.isBefore(this.remindedAt.plus(REMINDER_INTERVAL))) {
				this.remindedAt = now;
				outage = Duration.between(this.downSince, now);
			}
			this.health = Health.down()
				.withDetail("error", error)
				.withDetail("since", this.downSince.toString())
				.withDetail("checkedAt", now.toString())
				.build();
		}
		if (changed) {
			log.warn("Health check of {} fails ({}); readiness is DOWN until it passes", this.name, error);
		}
		else if (outage != null) {
			log.warn("Health check of {} still fails after {} min ({})", this.name, outage.toMinutes(), error);
		}
		if (failure != null) {
			log.debug("Health check of {} failed", this.name, failure);
		}
	}

	static String describe(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
			cause = cause.getCause();
		}
		return SqlFailures.describe(cause);
	}

	private static Thread daemon(Runnable task, String name) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		return thread;
	}

}
