package com.loginetl.ingest;

import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import com.loginetl.LogFields;
import io.awspring.cloud.sqs.annotation.SqsListener;
import io.awspring.cloud.sqs.listener.BatchVisibility;
import io.awspring.cloud.sqs.listener.acknowledgement.BatchAcknowledgement;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.messaging.Message;
import org.springframework.stereotype.Component;

/**
 * Receives batches from the login queue and deletes from it exactly the messages the processor is
 * done with, after their rows are committed or they are in the dead-letter queue. The deletion is
 * started here and not waited for: {@link PendingDeletions} holds it until it answers. Every line
 * logged while a batch is processed carries the batch's id ({@link LogFields#BATCH_ID}, in the MDC).
 */
@Component
class LoginEventListener {

	private static final Logger log = LoggerFactory.getLogger(LoginEventListener.class);

	private final LoginBatchProcessor processor;

	private final VisibilityKeeper visibilityKeeper;

	private final PendingDeletions deletions;

	private final BatchTracing tracing;

	LoginEventListener(LoginBatchProcessor processor, VisibilityKeeper visibilityKeeper,
			PendingDeletions deletions, BatchTracing tracing) {
		this.processor = processor;
		this.visibilityKeeper = visibilityKeeper;
		this.deletions = deletions;
		this.tracing = tracing;
	}

	@SqsListener(queueNames = "${logins.queue}", factory = ListenerConfiguration.CONTAINER_FACTORY)
	void onBatch(List<Message<String>> batch, BatchAcknowledgement<String> acknowledgement,
			BatchVisibility visibility) {
		if (!this.tracing.enabled()) {
			try (MDC.MDCCloseable batchId = MDC.putCloseable(LogFields.BATCH_ID, newBatchId())) {
				process(batch, acknowledgement, visibility);
			}
			return;
		}
		// With tracing on, the batch's span is in scope: its traceId and spanId are in every line's MDC.
		Span span = this.tracing.startBatch(batch);
		try (MDC.MDCCloseable batchId = MDC.putCloseable(LogFields.BATCH_ID, newBatchId());
				Tracer.SpanInScope scope = this.tracing.inScope(span)) {
			process(batch, acknowledgement, visibility);
		}
		finally {
			span.end();
		}
	}

	private void process(List<Message<String>> batch, BatchAcknowledgement<String> acknowledgement,
			BatchVisibility visibility) {
		List<Message<String>> done = this.visibilityKeeper.whileProcessing(batch, visibility,
				() -> this.processor.process(batch));
		if (done.isEmpty()) {
			return;
		}
		Span deletion = this.tracing.startChild("delete");
		try {
			this.deletions.track(BatchTracing.endWhenDone(deletion, acknowledgement.acknowledgeAsync(done)), done.size());
		}
		catch (RuntimeException ex) {
			// The rows are committed; redelivered messages will be recognised as duplicates.
			deletion.error(ex);
			deletion.end();
			log.warn("Could not delete {} processed messages from the queue ({}); they will be redelivered and "
					+ "skipped as duplicates", done.size(), ex.getClass().getSimpleName());
		}
	}

	/**
	 * 16 hex digits, random: unique enough to find one batch's lines among a day's, and cheap (no
	 * SecureRandom on the hot path).
	 */
	private static String newBatchId() {
		return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
	}

}
