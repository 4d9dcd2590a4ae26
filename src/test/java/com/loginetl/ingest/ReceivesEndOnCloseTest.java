package com.loginetl.ingest;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.loginetl.support.TestQueues;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.support.GenericApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Against ElasticMQ, through the service's synchronous client: when the context closes, a long
 * poll the container waits for is answered with no messages at once, and a message that the
 * abandoned call still receives is handed back at once rather than kept invisible.
 */
class ReceivesEndOnCloseTest {

	private static final int LONG_POLL_SECONDS = 20;

	private static final int VISIBILITY_SECONDS = 60;

	private final ExecutorService calls = Executors.newFixedThreadPool(4);

	private final GenericApplicationContext context = new GenericApplicationContext();

	@AfterEach
	void stop() {
		this.calls.shutdownNow();
	}

	@Test
	void closingTheContextEndsTheOpenLongPollAndHandsBackWhatItStillBrings() throws Exception {
		TestQueues queues = TestQueues.create("receives-end-" + UUID.randomUUID(), Map.of());
		ReceivesEndOnClose receives = new ReceivesEndOnClose(
				new BlockingSqsAsyncClient(queues.sqs().client(), this.calls), this.context, Duration.ofSeconds(5));
		receives.start();
		ReceiveMessageRequest longPoll = ReceiveMessageRequest.builder()
			.queueUrl(queues.queueUrl())
			.waitTimeSeconds(LONG_POLL_SECONDS)
			.visibilityTimeout(VISIBILITY_SECONDS)
			.build();
		CompletableFuture<ReceiveMessageResponse> answer = receives.client().receiveMessage(longPoll);
		Thread.sleep(500);
		assertThat(answer).as("a long poll on an empty queue, before the close").isNotDone();

		receives.onApplicationEvent(new ContextClosedEvent(this.context));

		assertThat(answer.get(1, TimeUnit.SECONDS).messages()).as("the ended long poll's answer").isEmpty();
		assertThat(receives.client().receiveMessage(longPoll).get(1, TimeUnit.SECONDS).messages())
			.as("a receive after the close").isEmpty();

		// The abandoned call is still open at the queue and takes this message, for 60 s ...
		String sent = queues.send("{\"user_id\": \"handed-back\"}");
		// ... and gives it back at once, to whoever receives next.
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(queues.sqs()
			.client()
			.receiveMessage((request) -> request.queueUrl(queues.queueUrl()).waitTimeSeconds(1))
			.messages()).extracting(Message::messageId).containsExactly(sent));
		receives.stop();
	}

}
