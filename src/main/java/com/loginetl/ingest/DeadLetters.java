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
import com.loginetl.LogFields;
import com.loginetl.masking.DeadLetterSeal;
import com.loginetl.ops.LoginMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

import org.springframework.messaging.Message;
import org.springframework.stereotype.Component;

/**
 * Sends rejected messages to the dead-letter queue, their bodies sealed ({@link DeadLetterSeal},
 * bound to the source message's id), with attributes {@code reason}, {@code source_message_id} (the
 * original message's id, also for a redriven message), {@code source_sent_timestamp} and
 * {@code sealed}. A body whose seal would not fit one SQS message is not kept: its dead letter says
 * so ({@code sealed=omitted}) and is counted, and no plaintext reaches the queue. Only messages whose
 * send succeeded are handed back for deletion from the source queue; the others stay there and are
 * tried again when SQS redelivers them.
 */
@Component
class DeadLetters {

	private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

	/** Room for the four attributes: names, types, a reason, a message id, a timestamp and a marker. */
	private static final int ATTRIBUTES_ALLOWANCE = 384;

	/** Longest sealed body that, with its attributes, still fits one SQS message. */
	static final int MAX_SEALED_BODY = SqsBatches.MAX_SEND_BYTES - ATTRIBUTES_ALLOWANCE;

	private final SqsAsyncClient sqs;

	private final QueueUrls queueUrls;

	private final IngestProperties properties;

	private final LoginMetrics metrics;

	private final DeadLetterSeal seal;

	DeadLetters(SqsAsyncClient sqs, QueueUrls queueUrls, IngestProperties properties, LoginMetrics metrics,
			DeadLetterSeal seal) {
		this.seal = seal;
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
		List<List<Sealed>> chunks = chunks(rejections.stream().map(this::seal).toList());
		List<CompletableFuture<SendMessageBatchResponse>> sends = chunks.stream().map((chunk) -> send(url, chunk)).toList();
		List<Message<String>> sent = new ArrayList<>();
		for (int c = 0; c < chunks.size(); c++) {
			List<Sealed> chunk = chunks.get(c);
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
				Rejection rejection = chunk.get(i).rejection();
				if (failed.contains(Integer.toString(i))) {
					this.metrics.deadLetterFailed();
					fields(log.atWarn(), rejection)
						.log("Message {} rejected ({}) but not sent to the dead-letter queue ({}); it stays on the "
								+ "queue and is tried again on redelivery", MessageIds.forLog(rejection.message().messageId()),
								rejection.reason(), failure);
				}
				else {
					sent.add(rejection.message().message());
					this.metrics.rejected(rejection.reason());
					if (chunk.get(i).omitted()) {
						this.metrics.deadLetterBodyOmitted();
						fields(log.atWarn(), rejection)
							.log("Message {} rejected ({}); its body of {} bytes is too large to seal into one dead "
									+ "letter, so the dead letter has none (sealed=omitted)",
									MessageIds.forLog(rejection.message().messageId()),
									rejection.reason(), Utf8.encodedLength(rejection.message().body()));
					}
					else {
						fields(log.atInfo(), rejection).log("Message {} rejected ({}); sent to the dead-letter queue",
								MessageIds.forLog(rejection.message().messageId()), rejection.reason());
					}
				}
			}
		}
		return sent;
	}

	/** The dead letter of a rejection: its sealed body, or a note when the seal would not fit. */
	private Sealed seal(Rejection rejection) {
		String sealed = this.seal.sealBody(rejection.message().messageId(), rejection.message().body());
		if (sealed.length() <= MAX_SEALED_BODY) {
			return new Sealed(rejection, sealed, false);
		}
		return new Sealed(rejection, "body omitted: " + Utf8.encodedLength(rejection.message().body())
				+ " bytes, too large to seal into one dead letter", true);
	}

	private static List<List<Sealed>> chunks(List<Sealed> deadLetters) {
		// Sealed bodies are Base64, one byte a character.
		return SqsBatches.of(deadLetters, (deadLetter) -> deadLetter.body().length() + ATTRIBUTES_ALLOWANCE,
				SqsBatches.MAX_SEND_BYTES);
	}

	private CompletableFuture<SendMessageBatchResponse> send(String url, List<Sealed> chunk) {
		List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
		for (int i = 0; i < chunk.size(); i++) {
			Rejection rejection = chunk.get(i).rejection();
			entries.add(SendMessageBatchRequestEntry.builder()
				.id(Integer.toString(i))
				.messageBody(chunk.get(i).body())
				.messageAttributes(Map.of(DeadLetterAttributes.REASON, text(rejection.reason()),
						DeadLetterAttributes.SOURCE_MESSAGE_ID, text(rejection.message().messageId()),
						DeadLetterAttributes.SOURCE_SENT_TIMESTAMP,
						text(Long.toString(rejection.message().originalSentAt().toEpochMilli())),
						DeadLetterAttributes.SEALED,
						text(chunk.get(i).omitted() ? DeadLetterAttributes.SEALED_OMITTED : DeadLetterAttributes.SEALED_V1)))
				.build());
		}
		return this.sqs.sendMessageBatch((request) -> request.queueUrl(url).entries(entries))
			.orTimeout(this.properties.sqsTimeout().toMillis(), TimeUnit.MILLISECONDS);
	}

	/** A rejection as its dead letter: the body to send, and whether the original had to be left out. */
	private record Sealed(Rejection rejection, String body, boolean omitted) {
	}

	/** The rejected message's id and reason as fields of a log event, beside the readable message. */
	private static LoggingEventBuilder fields(LoggingEventBuilder event, Rejection rejection) {
		return event.addKeyValue(LogFields.MESSAGE_ID, MessageIds.forLog(rejection.message().messageId()))
			.addKeyValue(LogFields.REASON, rejection.reason());
	}

	private static MessageAttributeValue text(String value) {
		return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
	}

}
