package com.loginetl.ingest;

import java.util.List;

import io.awspring.cloud.sqs.annotation.SqsListener;
import io.awspring.cloud.sqs.listener.BatchVisibility;
import io.awspring.cloud.sqs.listener.acknowledgement.BatchAcknowledgement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.messaging.Message;
import org.springframework.stereotype.Component;

/**
 * Receives batches from the login queue and deletes from it exactly the messages the processor is
 * done with, after their rows are committed or they are in the dead-letter queue. The deletion is
 * started here and not waited for: {@link PendingDeletions} holds it until it answers.
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

}
