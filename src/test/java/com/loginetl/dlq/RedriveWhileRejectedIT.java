package com.loginetl.dlq;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.loginetl.ingest.DeadLetterAttributes;
import com.loginetl.masking.DeadLetterSeal;
import com.loginetl.masking.Keysets;
import com.loginetl.masking.MaskingProperties;
import com.loginetl.masking.PiiMasker;
import com.loginetl.support.TestQueues;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A redrive while the service runs: a message sent back and rejected again reaches the
 * dead-letter queue under the same {@code source_message_id} while the redrive still reads it. That
 * new dead letter is left for the next run, never deleted as a copy of the one just sent back (the
 * fault soak lost 3,114 invalid messages that way).
 */
class RedriveWhileRejectedIT {

	@Test
	void aDeadLetterThatArrivedAfterTheRunBeganIsLeftNotDeletedAsACopy() throws Exception {
		TestQueues queues = TestQueues.create("redrive-rejected-" + UUID.randomUUID(), Map.of());
		DeadLetterSeal seal = PiiMasker.from(new MaskingProperties(Keysets.generate(), null)).deadLetterSeal();
		String source = UUID.randomUUID().toString();
		String body = "{\"user_id\": 7, \"ip\": \"198.51.100.7\"}";

		String before = sendDeadLetter(queues, seal, source, body);
		Thread.sleep(20);
		Instant startedAt = Instant.now();
		Thread.sleep(20);
		// As the service writes it when the message this run sends back is rejected again.
		String after = sendDeadLetter(queues, seal, source, body);

		try (SqsAsyncClient sqs = SqsAsyncClient.builder()
			.endpointOverride(queues.sqs().endpoint())
			.region(Region.US_EAST_1)
			.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
			.build()) {
			DeadLetterQueues deadLetterQueues = new DeadLetterQueues(sqs, queues.deadLetterQueueUrl(),
					queues.queueUrl(), Duration.ofSeconds(15));
			Redrive.Summary summary = new Redrive(deadLetterQueues, seal, new ReasonFilter(List.of()), Long.MAX_VALUE,
					false, Duration.ofSeconds(5), startedAt)
				.run((progress) -> {
				});

			assertThat(summary.moved()).as(summary.toString()).isEqualTo(1);
			assertThat(summary.copies()).as(summary.toString()).isZero();
			assertThat(summary.arrived()).as(summary.toString()).isEqualTo(1);
		}
		List<Message> left = queues.takeDeadLetters(1, Duration.ofSeconds(15));
		assertThat(left).extracting(Message::messageId).containsExactly(after).doesNotContain(before);
		assertThat(queues.sourceDepth()).as("sent back once").isEqualTo(1);
	}

	private static String sendDeadLetter(TestQueues queues, DeadLetterSeal seal, String source, String body) {
		return queues.sqs()
			.client()
			.sendMessage((request) -> request.queueUrl(queues.deadLetterQueueUrl())
				.messageBody(seal.sealBody(source, body))
				.messageAttributes(Map.of(DeadLetterAttributes.REASON, text("wrong_type:user_id"),
						DeadLetterAttributes.SOURCE_MESSAGE_ID, text(source), DeadLetterAttributes.SOURCE_SENT_TIMESTAMP,
						text(Long.toString(Instant.now().toEpochMilli() - 60_000)), DeadLetterAttributes.SEALED,
						text(DeadLetterAttributes.SEALED_V1))))
			.messageId();
	}

	private static MessageAttributeValue text(String value) {
		return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
	}

}
