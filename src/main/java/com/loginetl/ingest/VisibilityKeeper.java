package com.loginetl.ingest;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.awspring.cloud.sqs.listener.BatchVisibility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Keeps a batch invisible on the queue for as long as it is being processed: messages are received
 * with a visibility timeout of {@code logins.listener.visibility-timeout}, and every third of that
 * the timeout is extended again. A slow database therefore never lets SQS hand the same messages
 * to a second consumer while the first still works on them.
 */
@Component
class VisibilityKeeper implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(VisibilityKeeper.class);

	private final Duration visibility;

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "visibility-keeper");
		thread.setDaemon(true);
		return thread;
	});

	VisibilityKeeper(IngestProperties properties) {
		this.visibility = properties.listener().visibilityTimeout();
	}

	<T> T whileProcessing(BatchVisibility batch, Supplier<T> work) {
		long period = this.visibility.toMillis() / 3;
		ScheduledFuture<?> extension = this.scheduler.scheduleAtFixedRate(() -> extend(batch), period, period,
				TimeUnit.MILLISECONDS);
		try {
			return work.get();
		}
		finally {
			extension.cancel(false);
		}
	}

	private void extend(BatchVisibility batch) {
		batch.changeToAsync((int) this.visibility.toSeconds()).exceptionally((failure) -> {
			log.warn("Could not extend the visibility of a batch in progress ({})", failure.getClass().getSimpleName());
			return null;
		});
	}

	@Override
	public void destroy() {
		this.scheduler.shutdownNow();
	}

}
