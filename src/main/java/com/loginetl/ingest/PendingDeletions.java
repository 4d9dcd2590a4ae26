package com.loginetl.ingest;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.awspring.cloud.sqs.listener.MessageListenerContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The deletions the listener started and that have not answered yet. The listener does not wait
 * for a batch's DeleteMessageBatch (the rows are committed by then), so its thread and its permits
 * are free for the next batch during that round trip. A stopping service waits here, after the
 * listener container has stopped (its batches are finished, so no deletion starts any more) and
 * before the SQS client closes, so that no deletion is cut off: at most
 * {@code logins.listener.shutdown-timeout}.
 */
@Component
class PendingDeletions implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(PendingDeletions.class);

	private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();

	/** Whether the last deletion that answered failed. */
	private final AtomicBoolean failing = new AtomicBoolean();

	private final Duration shutdownTimeout;

	private volatile boolean running;

	PendingDeletions(IngestProperties properties) {
		this.shutdownTimeout = properties.listener().shutdownTimeout();
	}

	/** Remembers {@code deletion} of {@code count} processed messages until it answers. */
	void track(CompletableFuture<Void> deletion, int count) {
		CompletableFuture<Void> logged = deletion.whenComplete((result, failure) -> {
			if (failure == null) {
				if (this.failing.compareAndSet(true, false)) {
					log.info("Deletions from the queue succeed again");
				}
				return;
			}
			// The rows are committed; redelivered messages will be recognised as duplicates. Logged
			// once while SQS fails, as an expected fault: every batch fails alike meanwhile.
			if (this.failing.compareAndSet(false, true)) {
				log.warn("Could not delete {} processed messages from the queue ({}); they will be redelivered and "
						+ "skipped as duplicates (further failed deletions are logged at DEBUG until one succeeds)",
						count, rootCause(failure).getClass().getSimpleName());
			}
			else {
				log.debug("Could not delete {} processed messages from the queue ({})", count,
						rootCause(failure).getClass().getSimpleName());
			}
		});
		this.pending.add(logged);
		logged.whenComplete((result, failure) -> this.pending.remove(logged));
	}

	/** Deletions started and not answered yet. */
	int count() {
		return this.pending.size();
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		CompletableFuture<?>[] waiting = this.pending.toArray(CompletableFuture[]::new);
		if (waiting.length > 0) {
			log.info("Waiting for {} deletions from the queue to answer", waiting.length);
			try {
				CompletableFuture.allOf(waiting)
					.exceptionally((failure) -> null)
					.get(this.shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (TimeoutException ex) {
				log.warn("{} deletions from the queue did not answer within {}; their messages will be redelivered "
						+ "and skipped as duplicates", this.pending.size(), this.shutdownTimeout);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (ExecutionException ex) {
				// failures are logged one by one in track
			}
		}
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Stops right after the listener containers (which stop in the default phase) stop. */
	@Override
	public int getPhase() {
		return MessageListenerContainer.DEFAULT_PHASE - 1;
	}

	private static Throwable rootCause(Throwable failure) {
		Throwable cause = failure;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		return cause;
	}

}
