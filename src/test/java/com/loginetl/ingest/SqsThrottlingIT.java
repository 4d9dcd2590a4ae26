package com.loginetl.ingest;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.loginetl.support.ThrottlingSqs;
import com.loginetl.support.TestQueues;
import io.awspring.cloud.autoconfigure.core.AwsAutoConfiguration;
import io.awspring.cloud.autoconfigure.core.CredentialsProviderAutoConfiguration;
import io.awspring.cloud.autoconfigure.core.RegionProviderAutoConfiguration;
import io.awspring.cloud.autoconfigure.sqs.SqsAutoConfiguration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/failure-behaviour.md: "the AWS SDK retries throttled calls with backoff". The service's SQS
 * client, as {@link SqsClientConfiguration} builds it, talks to ElasticMQ through a relay that
 * answers the first calls of an action with SQS's throttling error; the call still succeeds, on
 * the attempt after the throttled ones, and its effect is SQS's.
 */
class SqsThrottlingIT {

	private final ApplicationContextRunner context = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CredentialsProviderAutoConfiguration.class,
				RegionProviderAutoConfiguration.class, AwsAutoConfiguration.class, SqsAutoConfiguration.class))
		.withUserConfiguration(ClientOnly.class)
		.withPropertyValues("spring.cloud.aws.region.static=us-east-1", "spring.cloud.aws.credentials.access-key=test",
				"spring.cloud.aws.credentials.secret-key=test", "logins.queue=q", "logins.dead-letter-queue=dlq",
				"logins.sqs-timeout=5s", "logins.listener.max-messages-per-poll=10",
				"logins.listener.max-concurrent-messages=40", "logins.listener.poll-timeout=10s",
				"logins.listener.shutdown-timeout=20s", "logins.listener.visibility-timeout=30s",
				"logins.listener.max-processing-time=3m", "logins.listener.batching-window=50ms");

	@ParameterizedTest(name = "{0} client, {1}")
	@CsvSource({ "sync, ThrottlingException", "sync, RequestThrottled", "async, ThrottlingException" })
	void throttledReceivesAndDeletionsAreRetriedUntilSqsTakesThem(String client, String errorCode) {
		TestQueues queues = TestQueues.create("throttled-" + client + "-" + errorCode, Map.of());
		String sent = queues.send("{\"user_id\":\"throttled\"}");
		try (ThrottlingSqs relay = ThrottlingSqs.to(queues.sqs().endpoint(), errorCode)) {
			this.context
				.withPropertyValues("logins.sqs-client=" + client, "spring.cloud.aws.sqs.endpoint=" + relay.endpoint())
				.run((context) -> {
					SqsAsyncClient sqs = context.getBean(SqsAsyncClient.class);

					relay.throttle("ReceiveMessage", 2);
					ReceiveMessageResponse received = sqs
						.receiveMessage((request) -> request.queueUrl(queues.queueUrl())
							.maxNumberOfMessages(10)
							.waitTimeSeconds(2))
						.get(60, TimeUnit.SECONDS);

					assertThat(received.messages()).extracting(Message::messageId).containsExactly(sent);
					assertThat(relay.throttled("ReceiveMessage")).isEqualTo(2);
					assertThat(relay.calls("ReceiveMessage")).isEqualTo(3);

					relay.throttle("DeleteMessageBatch", 2);
					DeleteMessageBatchResponse deleted = sqs
						.deleteMessageBatch((request) -> request.queueUrl(queues.queueUrl())
							.entries(List.of(DeleteMessageBatchRequestEntry.builder()
								.id("0")
								.receiptHandle(received.messages().get(0).receiptHandle())
								.build())))
						.get(60, TimeUnit.SECONDS);

					assertThat(deleted.failed()).isEmpty();
					assertThat(deleted.successful()).hasSize(1);
					assertThat(relay.throttled("DeleteMessageBatch")).isEqualTo(2);
					assertThat(relay.calls("DeleteMessageBatch")).isEqualTo(3);
					assertThat(queues.sourceDepth()).isZero();
				});
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(IngestProperties.class)
	@Import(SqsClientConfiguration.class)
	static class ClientOnly {

	}

}
