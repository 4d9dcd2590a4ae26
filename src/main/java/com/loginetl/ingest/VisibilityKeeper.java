package com.loginetl.ingest;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.loginetl.LogFields;
import com.loginetl.ops.LoginMetrics;
import io.awspring.cloud.sqs.listener.BatchVisibility;
import io.awspring.cloud.sqs.listener.SqsHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.messaging.Message;
import org.springframework.stereotype.Component;

/**
 * Keeps a batch invisible on the queue for as long as it is being processed, up to a bound:
 * messages are received with a visibility timeout of {@code logins.listener.visibility-timeout},
 * and every third of that the timeout is extended again. A slow database therefore never lets SQS
 * hand the same messages to a second consumer while the first still works on them.
 * <p>
 * After {@code logins.listener.max-processing-time} the batch is given up: its visibility is no
 * longer extended, so SQS delivers its messages again at most one visibility timeout later, and
 * the batch is logged and counted once. Nothing is deleted: if the stuck work ends after all and
 * commits, the redelivered messages are skipped as duplicates. Without this bound a call that
 * never returns would hold its messages hostage for good.
 */
@Component
class VisibilityKeeper implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(VisibilityKeeper.class);

	private final Duration visibility;

	private final Duration maxProcessingTime;

	private final LoginMetrics metrics;

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "visibility-keeper");
		thread.setDaemon(true);
		return thread;
	});

	VisibilityKeeper(IngestProperties properties, LoginMetrics metrics) {
		this.visibility = properties.listener().visibilityTimeout();
		this.maxProcessingTime = properties.listener().maxProcessingTime();
		this.metrics = metrics;
	}

	<T> T whileProcessing(List<Message<String>> messages, BatchVisibility batch, Supplier<T> work) {
		long period = this.visibility.toMillis() / 3;
		Extension extension = new Extension(messages, batch, System.nanoTime(), MDC.get(LogFields.BATCH_ID));
		extension.schedule = this.scheduler.scheduleAtFixedRate(extension, period, period, TimeUnit.MILLISECONDS);
		try {
			return work.get();
		}
		finally {
			extension.schedule.cancel(false);
		}
	}

	@Override
	public void destroy() {
		this.scheduler.shutdownNow();
	}

	/** The extensions of one batch; runs on the scheduler's one thread. */
	private final class Extension implements Runnable {

		private final List<Message<String>> messages;

		private final BatchVisibility batch;

		private final long startedNanos;

		/** The batch's id in its log lines, or null. */
		private final String batchId;

		private volatile ScheduledFuture<?> schedule;

		Extension(List<Message<String>> messages, BatchVisibility batch, long startedNanos, String batchId) {
			this.messages = messages;
			this.batch = batch;
			this.startedNanos = startedNanos;
			this.batchId = batchId;
		}

		@Override
		public void run() {
			Duration elapsed = Duration.ofNanos(System.nanoTime() - this.startedNanos);
			if (elapsed.compareTo(VisibilityKeeper.this.maxProcessingTime) < 0) {
				this.batch.changeToAsync((int) VisibilityKeeper.this.visibility.toSeconds()).exceptionally((failure) -> {
					log.warn("Could not extend the visibility of a batch in progress ({})",
							failure.getClass().getSimpleName());
					return null;
				});
				return;
			}
			this.schedule.cancel(false);
			VisibilityKeeper.this.metrics.batchGivenUp();
			List<String> ids = this.messages.stream()
				.map((message) -> MessageIds.forLog(message.getHeaders().get(SqsHeaders.SQS_RAW_MESSAGE_ID_HEADER, String.class)))
				.toList();
			// on the scheduler's thread: the batch's id is put back for this line
			try (MDC.MDCCloseable batchId = (this.batchId != null) ? MDC.putCloseable(LogFields.BATCH_ID, this.batchId) : null) {
				log.atWarn()
					.addKeyValue(LogFields.MESSAGE_IDS, ids)
					.log("Gave up a batch of {} messages still in progress after {} s "
							+ "(logins.listener.max-processing-time); SQS delivers them again after their visibility "
							+ "timeout: {}", this.messages.size(), elapsed.toSeconds(), ids);
			}
		}

	}

}
