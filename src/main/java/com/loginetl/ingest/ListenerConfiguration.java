package com.loginetl.ingest;

import java.time.Duration;
import java.util.List;

import com.loginetl.storage.DatabaseAvailability;
import io.awspring.cloud.sqs.config.SqsMessageListenerContainerFactory;
import io.awspring.cloud.sqs.listener.ListenerMode;
import io.awspring.cloud.sqs.listener.QueueNotFoundStrategy;
import io.awspring.cloud.sqs.listener.acknowledgement.handler.AcknowledgementMode;
import io.awspring.cloud.sqs.listener.backpressure.BackPressureHandlerFactories;
import io.awspring.cloud.sqs.support.converter.SqsMessagingMessageConverter;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(IngestProperties.class)
class ListenerConfiguration {

	static final String CONTAINER_FACTORY = "loginEventContainerFactory";

	/** Ends the container's long polls when the context closes, so that a stop need not wait for them. */
	@Bean
	ReceivesEndOnClose receivesEndOnClose(SqsAsyncClient sqs, ApplicationContext context, IngestProperties properties) {
		return new ReceivesEndOnClose(sqs, context, properties.sqsTimeout());
	}

	@Bean(CONTAINER_FACTORY)
	SqsMessageListenerContainerFactory<String> loginEventContainerFactory(ReceivesEndOnClose receives,
			IngestProperties properties, DatabaseAvailability database) {
		IngestProperties.Listener listener = properties.listener();
		return SqsMessageListenerContainerFactory.<String>builder()
			.sqsAsyncClient(receives.client())
			.configure((options) -> options.listenerMode(ListenerMode.BATCH)
				// The listener deletes messages itself, after the commit, and the deletion happens
				// at once: a buffered deletion can be lost at shutdown (Spring Cloud AWS #1661).
				.acknowledgementMode(AcknowledgementMode.MANUAL)
				.acknowledgementInterval(Duration.ZERO)
				.acknowledgementThreshold(0)
				.maxMessagesPerPoll(listener.maxMessagesPerPoll())
				.maxConcurrentMessages(listener.maxConcurrentMessages())
				.pollTimeout(listener.pollTimeout())
				.messageVisibility(listener.visibilityTimeout())
				// Spring Cloud AWS's default chain (concurrency limit, then throughput), behind a
				// gate that stops polling while the database cannot take rows, and followed by the
				// batching window, which delays a receive only once its permits are granted.
				.backPressureHandlerFactory(BackPressureHandlerFactories.compositeBackPressureHandler(
						(containerOptions) -> new PauseWhileDatabaseDown(database),
						BackPressureHandlerFactories.concurrencyLimiterBackPressureHandler(),
						BackPressureHandlerFactories.throughputBackPressureHandler(),
						(containerOptions) -> new BatchingWindow(listener.batchingWindow(), listener.pollers())))
				.listenerShutdownTimeout(listener.shutdownTimeout())
				.acknowledgementShutdownTimeout(listener.shutdownTimeout())
				// A missing queue is a configuration error; never create one silently.
				.queueNotFoundStrategy(QueueNotFoundStrategy.FAIL)
				.messageSystemAttributeNames(List.of(MessageSystemAttributeName.SENT_TIMESTAMP,
						MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
				// Only the attributes dlq redrive sets, and W3C trace context, are asked for: all of them would let one named
				// like a listener header (Sqs_RawMessageId, Sqs_ReceiptHandle) pose as it, since the
				// header mapper copies attributes before its own headers.
				// traceparent links a batch's span to its producers' spans (BatchTracing).
				.messageAttributeNames(List.of(DeadLetterAttributes.REDRIVEN_FROM, DeadLetterAttributes.SOURCE_SENT_TIMESTAMP,
						DeadLetterAttributes.REDRIVE_SEAL, BatchTracing.TRACEPARENT, BatchTracing.TRACESTATE))
				.messageConverter(bodyAsString()))
			.build();
	}

	/** Bodies stay strings whatever a message's attributes claim its type is; reading is ours. */
	private static SqsMessagingMessageConverter bodyAsString() {
		SqsMessagingMessageConverter converter = new SqsMessagingMessageConverter();
		converter.setPayloadTypeMapper((message) -> null);
		return converter;
	}

}
