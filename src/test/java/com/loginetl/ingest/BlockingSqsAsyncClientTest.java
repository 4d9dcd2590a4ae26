package com.loginetl.ingest;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

class BlockingSqsAsyncClientTest {

	private final SqsClient sync = mock(SqsClient.class);

	private ExecutorService calls = Executors.newFixedThreadPool(2);

	@AfterEach
	void stop() {
		this.calls.shutdownNow();
	}

	@Test
	void aCallRunsOnThePoolAndAnswersWithTheSynchronousClientsResponse() throws Exception {
		DeleteMessageBatchResponse response = DeleteMessageBatchResponse.builder().build();
		String[] thread = new String[1];
		when(this.sync.deleteMessageBatch(any(DeleteMessageBatchRequest.class))).thenAnswer((invocation) -> {
			thread[0] = Thread.currentThread().getName();
			return response;
		});
		BlockingSqsAsyncClient client = new BlockingSqsAsyncClient(this.sync, this.calls);

		assertThat(client.deleteMessageBatch((request) -> request.queueUrl("q")).get(5, TimeUnit.SECONDS))
			.isSameAs(response);
		assertThat(thread[0]).isNotEqualTo(Thread.currentThread().getName()).startsWith("pool-");
	}

	@Test
	void aFailedCallCompletesWithTheSdksOwnExceptionAsTheAsynchronousClientDoes() {
		when(this.sync.getQueueUrl(any(GetQueueUrlRequest.class)))
			.thenThrow(QueueDoesNotExistException.builder().message("no such queue").build());
		BlockingSqsAsyncClient client = new BlockingSqsAsyncClient(this.sync, this.calls);

		assertThatThrownBy(() -> client.getQueueUrl((request) -> request.queueName("missing")).get(5, TimeUnit.SECONDS))
			.isInstanceOf(ExecutionException.class)
			.cause()
			.isInstanceOf(QueueDoesNotExistException.class);
		assertThat(client.getQueueUrl((request) -> request.queueName("missing")).handle((result, failure) -> failure)
			.join()).isInstanceOf(QueueDoesNotExistException.class);
	}

	@Test
	void aCallThatFindsThePoolAndItsQueueFullFailsAtOnce() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		when(this.sync.receiveMessage(any(ReceiveMessageRequest.class))).thenAnswer((invocation) -> {
			release.await();
			return ReceiveMessageResponse.builder().build();
		});
		this.calls = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1));
		BlockingSqsAsyncClient client = new BlockingSqsAsyncClient(this.sync, this.calls);

		client.receiveMessage((request) -> request.queueUrl("q"));
		client.receiveMessage((request) -> request.queueUrl("q"));
		assertThat(client.receiveMessage((request) -> request.queueUrl("q")).handle((result, failure) -> failure)
			.get(1, TimeUnit.SECONDS)).isInstanceOf(SdkClientException.class)
			.hasMessageContaining("Too many SQS calls waiting");
		release.countDown();
	}

	@Test
	void anUnsupportedCallNamesItselfAndTheSettingThatBringsTheAsynchronousClientBack() {
		BlockingSqsAsyncClient client = new BlockingSqsAsyncClient(this.sync, this.calls);

		assertThat(client.sendMessage(SendMessageRequest.builder().build()).handle((result, failure) -> failure).join())
			.isInstanceOf(UnsupportedOperationException.class)
			.hasMessageContaining("SendMessage")
			.hasMessageContaining("logins.sqs-client (LOGINS_SQS_CLIENT)");
		assertThatThrownBy(client::batchManager).isInstanceOf(UnsupportedOperationException.class)
			.hasMessageContaining("LOGINS_SQS_CLIENT");
	}

	@Test
	void closingClosesTheSynchronousClientAndRefusesLaterCalls() {
		BlockingSqsAsyncClient client = new BlockingSqsAsyncClient(this.sync, this.calls);

		client.close();

		verify(this.sync).close();
		assertThat(client.receiveMessage((request) -> request.queueUrl("q")).handle((result, failure) -> failure).join())
			.isInstanceOf(SdkClientException.class)
			.hasMessageContaining("closed");
	}

	@Test
	void thePoolHasAThreadForEveryReceiveCallAsManyAgainForTheRestAndTwoForHealthAndDepth() {
		assertThat(SqsClientConfiguration.threads(listener(10, 40))).isEqualTo(10);
		assertThat(SqsClientConfiguration.threads(listener(40, 80))).isEqualTo(18);
		assertThat(SqsClientConfiguration.threads(listener(15, 40))).isEqualTo(14);
	}

	private static IngestProperties.Listener listener(int perPoll, int concurrent) {
		return new IngestProperties.Listener(perPoll, concurrent, Duration.ofSeconds(10), Duration.ofSeconds(20),
				Duration.ofSeconds(30), Duration.ofMinutes(3), Duration.ofMillis(50));
	}

}
