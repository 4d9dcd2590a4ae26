package com.loginetl.ops;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.loginetl.ingest.IngestProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * With {@code logins.exit-when-idle}, for a scheduled drain (a CronJob): once the source queue has
 * had no message, visible, in flight or delayed, for that long, the service stops as on SIGTERM
 * (see {@link ExitOnTerminate}) and exits 0. In flight counts every message received and not yet
 * deleted, also this service's own batches, so a batch still being written keeps it running; and
 * while the database is away, messages stay visible on the queue. A queue whose depth cannot be
 * read is not idle.
 */
@Component
@ConditionalOnProperty("logins.exit-when-idle")
class ExitWhenIdle implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(ExitWhenIdle.class);

	private static final Duration LONGEST_CHECK_INTERVAL = Duration.ofSeconds(5);

	private final QueueDepthReader reader;

	private final ConfigurableApplicationContext context;

	private final String queue;

	private final Duration idleFor;

	private final Duration checkInterval;

	private volatile ScheduledExecutorService scheduler;

	private long idleSince;

	private boolean idle;

	ExitWhenIdle(QueueDepthReader reader, ConfigurableApplicationContext context, IngestProperties ingest,
			OpsProperties properties) {
		this.reader = reader;
		this.context = context;
		this.queue = ingest.queue();
		this.idleFor = properties.exitWhenIdle();
		// Four looks per idle period, so the exit comes at most a quarter period late.
		Duration quarter = this.idleFor.dividedBy(4);
		this.checkInterval = (quarter.compareTo(LONGEST_CHECK_INTERVAL) > 0) ? LONGEST_CHECK_INTERVAL : quarter;
	}

	private void check() {
		boolean empty;
		try {
			empty = this.reader.read(this.queue).join().empty();
		}
		catch (CompletionException ex) {
			empty = false;
		}
		long now = System.nanoTime();
		if (!empty) {
			this.idle = false;
			return;
		}
		if (!this.idle) {
			this.idle = true;
			this.idleSince = now;
		}
		if (now - this.idleSince >= this.idleFor.toNanos()) {
			log.info("The queue has had no message for {} (logins.exit-when-idle); stopping", this.idleFor);
			stop();
			// Not on this thread: closing the context stops this lifecycle and waits for its thread.
			new Thread(() -> System.exit(SpringApplication.exit(this.context)), "idle-exit").start();
		}
	}

	@Override
	public void start() {
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "idle-check");
			thread.setDaemon(true);
			return thread;
		});
		executor.scheduleWithFixedDelay(this::checkQuietly, 0, this.checkInterval.toMillis(), TimeUnit.MILLISECONDS);
		this.scheduler = executor;
		log.info("Exiting once the queue has had no message for {} (logins.exit-when-idle)", this.idleFor);
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor = this.scheduler;
		this.scheduler = null;
		if (executor != null) {
			executor.shutdown();
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

	private void checkQuietly() {
		try {
			check();
		}
		catch (RuntimeException ex) {
			log.warn("Checking whether the queue is idle failed unexpectedly", ex);
		}
	}

}
