package com.loginetl.dlq;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import com.google.common.base.Utf8;
import com.loginetl.ingest.DeadLetterAttributes;
import com.loginetl.ingest.SqsBatches;
import com.loginetl.masking.DeadLetterSeal;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The SQS calls of the {@code dlq} commands, on the service's dead-letter queue and source queue,
 * each bounded by {@code logins.sqs-timeout}, several at once. Batch calls return the ids SQS did
 * not take.
 */
final class DeadLetterQueues {

	/** SQS takes at most ten entries in one batch call, and hands out at most ten in one receive. */
	static final int MAX_BATCH = SqsBatches.MAX_ENTRIES;

	/** Room for the redriven_from, source_sent_timestamp and redrive_seal attributes: names, types and values. */
	private static final int ATTRIBUTE_ALLOWANCE = 384;

	private static final int READ_RETRIES = 4;

	/** Calls in flight at once: SQS answers each in tens of milliseconds, so one at a time is slow. */
	static final int PARALLEL_CALLS = 8;

	/** Long enough that an empty answer means an empty queue, short enough to notice the end. */
	private static final int RECEIVE_WAIT_SECONDS = 1;

	private final SqsAsyncClient sqs;

	private final String deadLetterQueueUrl;

	private final String sourceQueueUrl;

	private final Duration timeout;

	DeadLetterQueues(SqsAsyncClient sqs, String deadLetterQueueUrl, String sourceQueueUrl, Duration timeout) {
		this.sqs = sqs;
		this.deadLetterQueueUrl = deadLetterQueueUrl;
		this.sourceQueueUrl = sourceQueueUrl;
		this.timeout = timeout;
	}

	String deadLetterQueueUrl() {
		return this.deadLetterQueueUrl;
	}

	String sourceQueueUrl() {
		return this.sourceQueueUrl;
	}

	/**
	 * Dead letters from {@value #PARALLEL_CALLS} receive calls at once, up to ten each, each hidden
	 * from other readers for {@code visibility}.
	 */
	List<DeadLetter> receive(Duration visibility) {
		return retrying(() -> receiveOnce(visibility));
	}

	private List<DeadLetter> receiveOnce(Duration visibility) {
		List<CompletableFuture<List<DeadLetter>>> calls = new ArrayList<>();
		for (int i = 0; i < PARALLEL_CALLS; i++) {
			calls.add(bounded(this.sqs.receiveMessage((request) -> request.queueUrl(this.deadLetterQueueUrl)
				.maxNumberOfMessages(MAX_BATCH)
				.waitTimeSeconds(RECEIVE_WAIT_SECONDS)
				.visibilityTimeout((int) visibility.toSeconds())
				.messageSystemAttributeNames(MessageSystemAttributeName.SENT_TIMESTAMP)
				.messageAttributeNames(DeadLetterAttributes.REASON, DeadLetterAttributes.SOURCE_MESSAGE_ID,
						DeadLetterAttributes.SOURCE_SENT_TIMESTAMP, DeadLetterAttributes.SEALED)),
					this.timeout.plusSeconds(RECEIVE_WAIT_SECONDS))
				.thenApply((response) -> response.messages().stream().map(DeadLetter::of).toList()));
		}
		Map<String, DeadLetter> received = new LinkedHashMap<>();
		RuntimeException failure = null;
		for (CompletableFuture<List<DeadLetter>> call : calls) {
			try {
				call.join().forEach((deadLetter) -> received.put(deadLetter.messageId(), deadLetter));
			}
			catch (CompletionException ex) {
				failure = ex;
			}
		}
		// Only when every call failed: an empty answer would read as an empty queue.
		if (received.isEmpty() && failure != null) {
			throw failure;
		}
		return new ArrayList<>(received.values());
	}

	/** The dead-letter queue's message counts: visible and in flight (held by some reader). */
	long[] deadLetterDepth() {
		return retrying(this::deadLetterDepthOnce);
	}

	private long[] deadLetterDepthOnce() {
		Map<QueueAttributeName, String> attributes = bounded(
				this.sqs.getQueueAttributes((request) -> request.queueUrl(this.deadLetterQueueUrl)
					.attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
							QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)),
				this.timeout)
			.join()
			.attributes();
		return new long[] { Long.parseLong(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)),
				Long.parseLong(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)) };
	}

	/**
	 * Sends each dead letter's body, which the caller has replaced by the original message's body,
	 * to the source queue with {@code redriven_from} set to its original message's id,
	 * {@code source_sent_timestamp} to the original's send time, and {@code redrive_seal} vouching
	 * for both over that body, so that the service honours them.
	 * @return the message ids of the dead letters SQS did not accept (or did not answer for)
	 */
	Set<String> sendToSource(List<DeadLetter> deadLetters, DeadLetterSeal seal) {
		return inBatches(deadLetters, SqsBatches.MAX_SEND_BYTES, (batch) -> {
			List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
			for (int i = 0; i < batch.size(); i++) {
				DeadLetter deadLetter = batch.get(i);
				String sentAt = Long.toString(deadLetter.originalSentAt().toEpochMilli());
				entries.add(SendMessageBatchRequestEntry.builder()
					.id(Integer.toString(i))
					.messageBody(deadLetter.body())
					.messageAttributes(Map.of(DeadLetterAttributes.REDRIVEN_FROM, text(deadLetter.original()),
							DeadLetterAttributes.SOURCE_SENT_TIMESTAMP, text(sentAt), DeadLetterAttributes.REDRIVE_SEAL,
							text(seal.sealRedrive(deadLetter.original(), sentAt, deadLetter.body()))))
					.build());
			}
			return this.sqs.sendMessageBatch((request) -> request.queueUrl(this.sourceQueueUrl).entries(entries))
				.thenApply((response) -> failedIds(response.failed(), batch));
		});
	}

	/** @return the message ids of the dead letters SQS did not delete */
	Set<String> delete(List<DeadLetter> deadLetters) {
		return inBatches(deadLetters, Integer.MAX_VALUE, (batch) -> {
			List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
			for (int i = 0; i < batch.size(); i++) {
				entries.add(DeleteMessageBatchRequestEntry.builder()
					.id(Integer.toString(i))
					.receiptHandle(batch.get(i).receiptHandle())
					.build());
			}
			return this.sqs.deleteMessageBatch((request) -> request.queueUrl(this.deadLetterQueueUrl).entries(entries))
				.thenApply((response) -> failedIds(response.failed(), batch));
		});
	}

	/**
	 * Sets the visibility of received dead letters.
	 * @return the message ids SQS did not change (their receipt handle expired)
	 */
	Set<String> changeVisibility(List<DeadLetter> deadLetters, Duration visibility) {
		return inBatches(deadLetters, Integer.MAX_VALUE, (batch) -> {
			List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
			for (int i = 0; i < batch.size(); i++) {
				entries.add(ChangeMessageVisibilityBatchRequestEntry.builder()
					.id(Integer.toString(i))
					.receiptHandle(batch.get(i).receiptHandle())
					.visibilityTimeout((int) visibility.toSeconds())
					.build());
			}
			return this.sqs
				.changeMessageVisibilityBatch((request) -> request.queueUrl(this.deadLetterQueueUrl).entries(entries))
				.thenApply((response) -> failedIds(response.failed(), batch));
		});
	}

	/**
	 * Runs one batch call per ten dead letters, {@value #PARALLEL_CALLS} at a time.
	 * @return the ids the calls did not succeed for, including all of a call that failed as a whole
	 */
	private Set<String> inBatches(List<DeadLetter> deadLetters, int maxBytes,
			Function<List<DeadLetter>, CompletableFuture<Set<String>>> call) {
		Set<String> failed = new HashSet<>();
		List<List<DeadLetter>> batches = SqsBatches.of(deadLetters,
				(deadLetter) -> (deadLetter.body() == null) ? 0 : Utf8.encodedLength(deadLetter.body()) + ATTRIBUTE_ALLOWANCE,
				maxBytes);
		for (int wave = 0; wave < batches.size(); wave += PARALLEL_CALLS) {
			List<List<DeadLetter>> inWave = batches.subList(wave, Math.min(wave + PARALLEL_CALLS, batches.size()));
			List<CompletableFuture<Set<String>>> calls = inWave.stream()
				.map((one) -> bounded(call.apply(one), this.timeout))
				.toList();
			for (int i = 0; i < calls.size(); i++) {
				try {
					failed.addAll(calls.get(i).join());
				}
				catch (CompletionException ex) {
					inWave.get(i).forEach((deadLetter) -> failed.add(deadLetter.messageId()));
				}
			}
		}
		return failed;
	}

	private static Set<String> failedIds(List<BatchResultErrorEntry> failed, List<DeadLetter> batch) {
		return failed.stream()
			.map((entry) -> batch.get(Integer.parseInt(entry.id())).messageId())
			.collect(Collectors.toSet());
	}

	/**
	 * A read that failed (SQS slow or throttling) is tried again after 1, 2, 4 and 8 s before the
	 * command gives up: each attempt is bounded, and a read changes nothing.
	 */
	private static <T> T retrying(Supplier<T> read) {
		for (int attempt = 0;; attempt++) {
			try {
				return read.get();
			}
			catch (RuntimeException ex) {
				if (attempt == READ_RETRIES) {
					throw ex;
				}
				try {
					Thread.sleep(1000L << attempt);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					throw ex;
				}
			}
		}
	}

	private static <T> CompletableFuture<T> bounded(CompletableFuture<T> call, Duration timeout) {
		return call.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	private static MessageAttributeValue text(String value) {
		return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
	}

}
