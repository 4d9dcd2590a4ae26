package com.loginetl.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.loginetl.ingest.SqsBatches;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

import static org.awaitility.Awaitility.await;

/** One test context's source queue and dead-letter queue, and what a test does with them. */
public record TestQueues(ElasticMq sqs, String queueUrl, String deadLetterQueueUrl) {

	/** A new pair of queues on the shared ElasticMQ; {@code attributes} apply to the source queue. */
	public static TestQueues create(String name, Map<QueueAttributeName, String> attributes) {
		ElasticMq sqs = SharedServices.sqs();
		String deadLetterQueue = sqs.createQueue(name + "-dlq");
		return new TestQueues(sqs, sqs.createQueue(name, attributes), deadLetterQueue);
	}

	/** Sends one message and returns its SQS message id. */
	public String send(String body) {
		return client().sendMessage((request) -> request.queueUrl(this.queueUrl).messageBody(body)).messageId();
	}

	/** Sends one message that becomes visible only after {@code delay} (SQS's DelaySeconds, at most 15 min), and returns its id. */
	public String send(String body, Duration delay) {
		return client()
			.sendMessage((request) -> request.queueUrl(this.queueUrl).messageBody(body).delaySeconds((int) delay.toSeconds()))
			.messageId();
	}

	/**
	 * Sends each body, ten to a request or as many as fit SQS's 256 KiB a request, and returns the
	 * SQS message ids, in order.
	 */
	public List<String> sendAll(List<String> bodies) {
		List<Integer> indexes = IntStream.range(0, bodies.size()).boxed().toList();
		List<String> ids = new ArrayList<>();
		for (List<Integer> batch : SqsBatches.of(indexes,
				(i) -> bodies.get(i).getBytes(StandardCharsets.UTF_8).length, SqsBatches.MAX_SEND_BYTES)) {
			List<SendMessageBatchRequestEntry> entries = batch.stream()
				.map((i) -> SendMessageBatchRequestEntry.builder().id(Integer.toString(i)).messageBody(bodies.get(i)).build())
				.toList();
			SendMessageBatchResponse response = client()
				.sendMessageBatch((request) -> request.queueUrl(this.queueUrl).entries(entries));
			if (!response.failed().isEmpty()) {
				throw new IllegalStateException("SQS refused messages: " + response.failed());
			}
			Map<String, String> idsByEntry = response.successful()
				.stream()
				.collect(Collectors.toMap(SendMessageBatchResultEntry::id, SendMessageBatchResultEntry::messageId));
			entries.forEach((entry) -> ids.add(idsByEntry.get(entry.id())));
		}
		return ids;
	}

	/**
	 * Takes messages off the dead-letter queue until {@code count} have arrived, deleting them.
	 * Message attributes come back too.
	 */
	public List<Message> takeDeadLetters(int count) {
		return takeDeadLetters(count, Duration.ofSeconds(30));
	}

	/** As {@link #takeDeadLetters(int)}, waiting up to {@code timeout}. */
	public List<Message> takeDeadLetters(int count, Duration timeout) {
		return takeDeadLetters((taken) -> taken.size() >= count, timeout);
	}

	/**
	 * Takes messages off the dead-letter queue, deleting them, until {@code enough} holds for all
	 * taken so far or {@code timeout} passes.
	 */
	public List<Message> takeDeadLetters(Predicate<List<Message>> enough, Duration timeout) {
		List<Message> taken = new ArrayList<>();
		await().atMost(timeout).pollInterval(Duration.ofMillis(10)).until(() -> {
			List<Message> batch;
			do {
				batch = takeDeadLetterBatch();
				taken.addAll(batch);
			}
			while (!batch.isEmpty() && !enough.test(taken));
			return enough.test(taken);
		});
		return taken;
	}

	/** Takes every message off the dead-letter queue, deleting them, until none came for {@code quiet}. */
	public List<Message> takeDeadLettersUntilQuiet(Duration quiet) {
		List<Message> taken = new ArrayList<>();
		long quietSince = System.nanoTime();
		while (System.nanoTime() - quietSince < quiet.toNanos()) {
			List<Message> batch = takeDeadLetterBatch();
			if (!batch.isEmpty()) {
				taken.addAll(batch);
				quietSince = System.nanoTime();
			}
		}
		return taken;
	}

	/** One receive of up to 10 dead letters (waiting up to a second), deleted once received; attributes come too. */
	public List<Message> takeDeadLetterBatch() {
		List<Message> batch = client()
			.receiveMessage((request) -> request.queueUrl(this.deadLetterQueueUrl)
				.maxNumberOfMessages(10)
				.waitTimeSeconds(1)
				.messageAttributeNames("All"))
			.messages();
		if (!batch.isEmpty()) {
			List<DeleteMessageBatchRequestEntry> entries = batch.stream()
				.map((message) -> DeleteMessageBatchRequestEntry.builder()
					.id(message.messageId())
					.receiptHandle(message.receiptHandle())
					.build())
				.toList();
			client().deleteMessageBatch((request) -> request.queueUrl(this.deadLetterQueueUrl).entries(entries));
		}
		return batch;
	}

	/** Messages waiting or in flight on the source queue. */
	public int sourceDepth() {
		return depth(this.queueUrl);
	}

	/** Messages on the source queue that a consumer could receive now. */
	public int waiting() {
		return Integer.parseInt(attribute(this.queueUrl, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
	}

	/** Messages on the source queue received by a consumer and not yet deleted or returned. */
	public int inFlight() {
		return Integer.parseInt(attribute(this.queueUrl, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
	}

	/** Messages on a queue, by URL, that a consumer could receive now. */
	public int waiting(String url) {
		return Integer.parseInt(attribute(url, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
	}

	/** Messages on a queue, by URL, received by a consumer and not yet deleted or returned. */
	public int inFlight(String url) {
		return Integer.parseInt(attribute(url, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
	}

	/** Messages waiting on a queue, by URL. */
	public int depth(String url) {
		return Integer.parseInt(attribute(url, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
				+ Integer.parseInt(attribute(url, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
	}

	private String attribute(String url, QueueAttributeName name) {
		return client().getQueueAttributes((request) -> request.queueUrl(url).attributeNames(name))
			.attributes()
			.get(name);
	}

	private SqsClient client() {
		return this.sqs.client();
	}

}
