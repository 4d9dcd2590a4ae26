package com.loginetl.bench;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * Drain (a): the queue's own limit as a consumer that does nothing sees it. Each of
 * {@code pollers} threads loops: receive up to 10 (asking for the same attributes and visibility
 * timeout as the service), delete them with one DeleteMessageBatch. Nothing else.
 */
final class RawDrain {

	// The service asks for these two system attributes and one message attribute nobody sets.
	private static final List<MessageSystemAttributeName> SYSTEM_ATTRIBUTES = List
		.of(MessageSystemAttributeName.SENT_TIMESTAMP, MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);

	private static final int VISIBILITY_SECONDS = 30;

	// Short, so that pollers notice the end quickly; a poll with messages waiting returns at once.
	private static final int WAIT_SECONDS = 1;

	private final SqsClient client;

	private final String queueUrl;

	private final CpuMeter cpu;

	RawDrain(SqsClient client, String queueUrl, CpuMeter cpu) {
		this.client = client;
		this.queueUrl = queueUrl;
		this.cpu = cpu;
	}

	Timeline run(long expected, int pollers, Duration timeout) {
		AtomicLong deleted = new AtomicLong();
		long started = System.nanoTime();
		long deadline = started + timeout.toNanos();
		Timeline timeline = new Timeline(started, expected);
		CompletableFuture<Void> polling = CompletableFuture.runAsync(() -> Senders.runOnThreads(pollers, "raw-poller",
				timeout, () -> poll(deleted, expected, deadline)));
		timeline.add(0, this.cpu.snapshot(-1));
		while (!timeline.complete() && System.nanoTime() < deadline) {
			sleep(Timeline.INTERVAL_MILLIS);
			if (polling.isCompletedExceptionally()) {
				polling.join();
			}
			timeline.add(deleted.get(), this.cpu.snapshot(-1));
		}
		if (!timeline.complete()) {
			throw new IllegalStateException("The raw drain deleted " + deleted.get() + " of " + expected
					+ " messages within " + timeout);
		}
		polling.join();
		return timeline;
	}

	private void poll(AtomicLong deleted, long expected, long deadline) {
		while (deleted.get() < expected && System.nanoTime() < deadline) {
			List<Message> messages = receive(this.client, this.queueUrl);
			if (!messages.isEmpty()) {
				deleted.addAndGet(delete(this.client, this.queueUrl, messages));
			}
		}
	}

	/** One ReceiveMessage as the service makes it: 10 at most, its attributes and visibility. */
	static List<Message> receive(SqsClient client, String queueUrl) {
		ReceiveMessageResponse received = client.receiveMessage((request) -> request.queueUrl(queueUrl)
			.maxNumberOfMessages(10)
			.waitTimeSeconds(WAIT_SECONDS)
			.visibilityTimeout(VISIBILITY_SECONDS)
			.messageSystemAttributeNames(SYSTEM_ATTRIBUTES)
			.messageAttributeNames("login-etl.no-attributes"));
		return received.messages();
	}

	/** One DeleteMessageBatch of {@code messages}; returns how many were deleted. */
	static int delete(SqsClient client, String queueUrl, List<Message> messages) {
		List<DeleteMessageBatchRequestEntry> entries = messages.stream()
			.map((message) -> DeleteMessageBatchRequestEntry.builder()
				.id(message.messageId())
				.receiptHandle(message.receiptHandle())
				.build())
			.toList();
		DeleteMessageBatchResponse response = client
			.deleteMessageBatch((request) -> request.queueUrl(queueUrl).entries(entries));
		return response.successful().size();
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
