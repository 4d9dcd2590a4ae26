package com.loginetl.ops;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.loginetl.ingest.IngestProperties;
import com.loginetl.ingest.QueueUrls;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * Readiness of SQS: both the source queue and the dead-letter queue answer a request for their
 * attributes within {@code logins.sqs-timeout}. Spring Cloud AWS ships no such indicator.
 * The details give each queue's depth, which tells an operator whether the service keeps up.
 */
@Component("sqs")
class SqsHealthIndicator extends AbstractHealthIndicator {

	private static final List<QueueAttributeName> DEPTH = List.of(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
			QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE);

	private final SqsAsyncClient sqs;

	private final QueueUrls queueUrls;

	private final IngestProperties properties;

	SqsHealthIndicator(SqsAsyncClient sqs, QueueUrls queueUrls, IngestProperties properties) {
		super("SQS health check failed");
		this.sqs = sqs;
		this.queueUrls = queueUrls;
		this.properties = properties;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.up()
			.withDetail("queue", depth(this.properties.queue()))
			.withDetail("deadLetterQueue", depth(this.properties.deadLetterQueue()));
	}

	private Map<String, Object> depth(String queue) {
		String url = this.queueUrls.resolve(queue);
		Map<QueueAttributeName, String> attributes = this.sqs
			.getQueueAttributes((request) -> request.queueUrl(url).attributeNames(DEPTH))
			.orTimeout(this.properties.sqsTimeout().toMillis(), TimeUnit.MILLISECONDS)
			.join()
			.attributes();
		return Map.of("url", url, "messages", attributes.getOrDefault(DEPTH.get(0), "?"), "inFlight",
				attributes.getOrDefault(DEPTH.get(1), "?"));
	}

}
