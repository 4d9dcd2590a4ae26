package com.loginetl.ingest;

import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * A missing dead-letter queue is a configuration error, found at start-up rather than at the first
 * rejected message. The check runs when the context starts, before the web server and the
 * listener (which checks the source queue the same way), not while beans are created: a context
 * refreshed without starting, as for the class-data-sharing archive, needs no queue.
 */
@Component
class DeadLetterQueueCheck implements SmartLifecycle {

	/** Before Spring Boot's web server (DEFAULT_PHASE - 2048) and the listener containers. */
	private static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private final SqsAsyncClient sqs;

	private final QueueUrls queueUrls;

	private final IngestProperties properties;

	private volatile boolean running;

	DeadLetterQueueCheck(SqsAsyncClient sqs, QueueUrls queueUrls, IngestProperties properties) {
		this.sqs = sqs;
		this.queueUrls = queueUrls;
		this.properties = properties;
	}

	@Override
	public void start() {
		String queue = this.properties.deadLetterQueue();
		try {
			String url = this.queueUrls.resolve(queue);
			this.sqs.getQueueAttributes((request) -> request.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
				.orTimeout(this.properties.sqsTimeout().toMillis(), TimeUnit.MILLISECONDS)
				.join();
		}
		catch (CompletionException ex) {
			throw new IllegalStateException("The dead-letter queue '" + queue + "' (logins.dead-letter-queue, "
					+ "LOGINS_DEAD_LETTER_QUEUE) cannot be reached: " + ex.getCause()
					+ ". Create it, or name an existing queue; the service never creates queues.", ex.getCause());
		}
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
