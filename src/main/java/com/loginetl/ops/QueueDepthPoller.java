package com.loginetl.ops;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.loginetl.ingest.IngestProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Reads both queues' depths into {@link QueueDepthMeters} on a thread of its own, every
 * {@code logins.queue-depth-interval}, each read bounded by {@code logins.sqs-timeout}: a slow
 * SQS delays the next reading, never a scrape or a message. A queue that cannot be read is logged
 * once when that starts and once when it ends.
 */
@Component
class QueueDepthPoller implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(QueueDepthPoller.class);

	private final QueueDepthReader reader;

	private final QueueDepthMeters meters;

	private final OpsProperties properties;

	/** Queue setting by gauge tag. */
	private final Map<String, String> queues = new LinkedHashMap<>();

	private final Map<String, Boolean> failing = new ConcurrentHashMap<>();

	private volatile ScheduledExecutorService scheduler;

	QueueDepthPoller(QueueDepthReader reader, QueueDepthMeters meters, IngestProperties ingest,
			OpsProperties properties) {
		this.reader = reader;
		this.meters = meters;
		this.properties = properties;
		this.queues.put(QueueDepthMeters.SOURCE, ingest.queue());
		this.queues.put(QueueDepthMeters.DEAD_LETTER, ingest.deadLetterQueue());
	}

	/** Reads both queues once, at the same time, and updates the gauges. */
	void refresh() {
		Map<String, CompletableFuture<QueueDepth>> reads = new LinkedHashMap<>();
		this.queues.forEach((queue, setting) -> reads.put(queue, this.reader.read(setting)));
		reads.forEach((queue, read) -> {
			try {
				this.meters.record(queue, read.join());
				if (Boolean.TRUE.equals(this.failing.put(queue, false))) {
					// DEBUG: the SQS health check already logs the outage's state changes once.
					log.debug("The depth of the {} queue can be read again", queue);
				}
			}
			catch (CompletionException ex) {
				this.meters.unknown(queue);
				if (!Boolean.TRUE.equals(this.failing.put(queue, true))) {
					log.debug("Cannot read the depth of the {} queue ({}); its logins.queue.messages gauges show NaN "
							+ "until SQS answers", queue, BackgroundCheck.describe(ex));
				}
			}
		});
	}

	@Override
	public void start() {
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "queue-depth");
			thread.setDaemon(true);
			return thread;
		});
		executor.scheduleWithFixedDelay(this::refreshQuietly, 0, this.properties.queueDepthInterval().toMillis(),
				TimeUnit.MILLISECONDS);
		this.scheduler = executor;
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor = this.scheduler;
		this.scheduler = null;
		if (executor != null) {
			executor.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

	/** A scheduled task that throws is never run again: an unexpected error must not end the gauges. */
	private void refreshQuietly() {
		try {
			refresh();
		}
		catch (RuntimeException ex) {
			log.warn("Reading the queue depths failed unexpectedly", ex);
		}
	}

}
