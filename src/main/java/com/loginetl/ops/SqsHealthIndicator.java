package com.loginetl.ops;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.loginetl.ingest.IngestProperties;
import com.loginetl.ingest.QueueUrls;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import org.springframework.stereotype.Component;

/**
 * Readiness of SQS: both the source queue and the dead-letter queue answer a request for their
 * attributes within {@code logins.sqs-timeout}, checked in the background. Spring Cloud AWS ships
 * no such indicator. The details give each queue's depth, which tells an operator whether the
 * service keeps up.
 */
@Component("sqs")
class SqsHealthIndicator extends BackgroundCheck {

	private static final List<QueueAttributeName> DEPTH = List.of(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
			QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE);

	SqsHealthIndicator(SqsAsyncClient sqs, QueueUrls queueUrls, IngestProperties ingest, HealthProperties health) {
		super("SQS", health, () -> {
			// Both at once, so that the check takes one SQS timeout at most, not two.
			CompletableFuture<Map<String, Object>> queue = depth(sqs, queueUrls, ingest, ingest.queue());
			CompletableFuture<Map<String, Object>> deadLetterQueue = depth(sqs, queueUrls, ingest,
					ingest.deadLetterQueue());
			return Map.of("queue", queue.join(), "deadLetterQueue", deadLetterQueue.join());
		});
	}

	private static CompletableFuture<Map<String, Object>> depth(SqsAsyncClient sqs, QueueUrls queueUrls,
			IngestProperties properties, String queue) {
		String url = queueUrls.resolve(queue);
		return sqs.getQueueAttributes((request) -> request.queueUrl(url).attributeNames(DEPTH))
			.orTimeout(properties.sqsTimeout().toMillis(), TimeUnit.MILLISECONDS)
			.thenApply((response) -> Map.of("url", url, "messages",
					response.attributes().getOrDefault(DEPTH.get(0), "?"), "inFlight",
					response.attributes().getOrDefault(DEPTH.get(1), "?")));
	}

}
