package com.loginetl.ingest;

import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import com.loginetl.LogFields;
import io.awspring.cloud.sqs.annotation.SqsListener;
import io.awspring.cloud.sqs.listener.BatchVisibility;
import io.awspring.cloud.sqs.listener.acknowledgement.BatchAcknowledgement;
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

	LoginEventListener(LoginBatchProcessor processor, VisibilityKeeper visibilityKeeper,
			PendingDeletions deletions) {
		this.processor = processor;
		this.visibilityKeeper = visibilityKeeper;
		this.deletions = deletions;
	}

	@SqsListener(queueNames = "${logins.queue}", factory = ListenerConfiguration.CONTAINER_FACTORY)
	void onBatch(List<Message<String>> batch, BatchAcknowledgement<String> acknowledgement,
			BatchVisibility visibility) {
		try (MDC.MDCCloseable batchId = MDC.putCloseable(LogFields.BATCH_ID, newBatchId())) {
			process(batch, acknowledgement, visibility);
		}
	}

	private void process(List<Message<String>> batch, BatchAcknowledgement<String> acknowledgement,
			BatchVisibility visibility) {
		List<Message<String>> done = this.visibilityKeeper.whileProcessing(batch, visibility,
				() -> this.processor.process(batch));
		if (done.isEmpty()) {
			return;
		}
		try {
			this.deletions.track(acknowledgement.acknowledgeAsync(done), done.size());
		}
		catch (RuntimeException ex) {
			// The rows are committed; redelivered messages will be recognised as duplicates.
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
