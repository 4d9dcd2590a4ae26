package com.loginetl.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.google.common.base.Utf8;
import com.loginetl.ops.LoginMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

import org.springframework.messaging.Message;
import org.springframework.stereotype.Component;

/**
 * Sends rejected messages, body unchanged, to the dead-letter queue with attributes {@code reason}
 * and {@code source_message_id} (the original message's id, also for a redriven message). Only messages whose send succeeded are handed back for deletion
 * from the source queue; the others stay there and are tried again when SQS redelivers them.
 */
@Component
class DeadLetters {

	private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

	/** Room for the three attributes: names, types, a reason, a message id and a timestamp. */
	private static final int ATTRIBUTES_ALLOWANCE = 320;

	private final SqsAsyncClient sqs;

	private final QueueUrls queueUrls;

	private final IngestProperties properties;

	private final LoginMetrics metrics;

	DeadLetters(SqsAsyncClient sqs, QueueUrls queueUrls, IngestProperties properties, LoginMetrics metrics) {
		this.sqs = sqs;
		this.queueUrls = queueUrls;
		this.properties = properties;
		this.metrics = metrics;
	}

	/** @return the messages now safely in the dead-letter queue */
	List<Message<String>> send(List<Rejection> rejections) {
		if (rejections.isEmpty()) {
			return List.of();
		}
		String url;
		try {
			url = this.queueUrls.resolve(this.properties.deadLetterQueue());
		}
		catch (RuntimeException ex) {
			log.warn("Dead-letter queue {} cannot be resolved ({}); {} rejected messages stay on the queue",
					this.properties.deadLetterQueue(), ex.getCause() == null ? ex : ex.getCause(), rejections.size());
			rejections.forEach((rejection) -> this.metrics.deadLetterFailed());
			return List.of();
		}
		List<List<Rejection>> chunks = chunks(rejections);
		List<CompletableFuture<SendMessageBatchResponse>> sends = chunks.stream().map((chunk) -> send(url, chunk)).toList();
		List<Message<String>> sent = new ArrayList<>();
		for (int c = 0; c < chunks.size(); c++) {
			List<Rejection> chunk = chunks.get(c);
			Set<String> failed;
			String failure;
			try {
				SendMessageBatchResponse response = sends.get(c).join();
				failed = response.failed().stream().map(BatchResultErrorEntry::id).collect(Collectors.toSet());
				failure = response.failed().isEmpty() ? null : response.failed().get(0).code();
			}
			catch (RuntimeException ex) {
				failed = IntStream.range(0, chunk.size()).mapToObj(Integer::toString).collect(Collectors.toSet());
				failure = String.valueOf(ex.getCause() == null ? ex : ex.getCause());
			}
			for (int i = 0; i < chunk.size(); i++) {
				Rejection rejection = chunk.get(i);
				if (failed.contains(Integer.toString(i))) {
					this.metrics.deadLetterFailed();
					log.warn("Message {} rejected ({}) but not sent to the dead-letter queue ({}); it stays on the "
							+ "queue and is tried again on redelivery", rejection.message().messageId(),
							rejection.reason(), failure);
				}
				else {
					sent.add(rejection.message().message());
					this.metrics.rejected(rejection.reason());
					log.info("Message {} rejected ({}); sent to the dead-letter queue", rejection.message().messageId(),
							rejection.reason());
				}
			}
		}
		return sent;
	}

	private static List<List<Rejection>> chunks(List<Rejection> rejections) {
		return SqsBatches.of(rejections,
				(rejection) -> Utf8.encodedLength(rejection.message().body()) + ATTRIBUTES_ALLOWANCE,
				SqsBatches.MAX_SEND_BYTES);
	}

	private CompletableFuture<SendMessageBatchResponse> send(String url, List<Rejection> chunk) {
		List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
		for (int i = 0; i < chunk.size(); i++) {
			Rejection rejection = chunk.get(i);
			entries.add(SendMessageBatchRequestEntry.builder()
				.id(Integer.toString(i))
				.messageBody(rejection.message().body())
				.messageAttributes(Map.of(DeadLetterAttributes.REASON, text(rejection.reason()),
						DeadLetterAttributes.SOURCE_MESSAGE_ID, text(rejection.message().messageId()),
						DeadLetterAttributes.SOURCE_SENT_TIMESTAMP,
						text(Long.toString(rejection.message().originalSentAt().toEpochMilli()))))
				.build());
		}
		return this.sqs.sendMessageBatch((request) -> request.queueUrl(url).entries(entries))
			.orTimeout(this.properties.sqsTimeout().toMillis(), TimeUnit.MILLISECONDS);
	}

	private static MessageAttributeValue text(String value) {
		return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
	}

}
