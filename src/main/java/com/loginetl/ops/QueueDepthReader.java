package com.loginetl.ops;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.loginetl.ingest.IngestProperties;
import com.loginetl.ingest.QueueUrls;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import org.springframework.stereotype.Component;

/** Reads a queue's depth with one GetQueueAttributes call, bounded by {@code logins.sqs-timeout}. */
@Component
class QueueDepthReader {

	private static final List<QueueAttributeName> DEPTH = List.of(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
			QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
			QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED);

	private final SqsAsyncClient sqs;

	private final QueueUrls queueUrls;

	private final IngestProperties properties;

	QueueDepthReader(SqsAsyncClient sqs, QueueUrls queueUrls, IngestProperties properties) {
		this.sqs = sqs;
		this.queueUrls = queueUrls;
		this.properties = properties;
	}

	/** @return the depth, or a future failed with the cause when SQS did not answer in time */
	CompletableFuture<QueueDepth> read(String queue) {
		String url;
		try {
			url = this.queueUrls.resolve(queue);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		return this.sqs.getQueueAttributes((request) -> request.queueUrl(url).attributeNames(DEPTH))
			.orTimeout(this.properties.sqsTimeout().toMillis(), TimeUnit.MILLISECONDS)
			.thenApply((response) -> QueueDepth.of(response.attributes()));
	}

}
