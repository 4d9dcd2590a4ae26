package com.loginetl.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * What the service needs from outside, in-process: an SQS queue with its dead-letter queue on a
 * new ElasticMQ, and a new database on {@link TestPostgres}.
 */
public final class LocalServices implements AutoCloseable {

	public static final String QUEUE = "login-queue";

	public static final String DEAD_LETTER_QUEUE = "login-queue-dlq";

	/**
	 * Receives after which SQS itself moves a message the service never finishes with to the
	 * dead-letter queue, as a redrive policy would in production.
	 */
	public static final int MAX_RECEIVE_COUNT = 5;

	private static final String DEV_KEYSET = "/dev-keyset.json";

	private static final int SQS_BATCH_LIMIT = 10;

	private static final Logger log = LoggerFactory.getLogger(LocalServices.class);

	private final ElasticMq sqs;

	private final String queueUrl;

	private final String deadLetterQueueUrl;

	private final JdbcTarget database;

	private LocalServices(ElasticMq sqs, String queueUrl, String deadLetterQueueUrl, JdbcTarget database) {
		this.sqs = sqs;
		this.queueUrl = queueUrl;
		this.deadLetterQueueUrl = deadLetterQueueUrl;
		this.database = database;
	}

	/** Starts ElasticMQ on {@code sqsPort} (0 for any free port) and creates the queues and database. */
	public static LocalServices start(int sqsPort) {
		ElasticMq sqs = ElasticMq.start(sqsPort);
		try {
			String deadLetterQueueUrl = sqs.createQueue(DEAD_LETTER_QUEUE);
			String deadLetterQueueArn = sqs.client()
				.getQueueAttributes((request) -> request.queueUrl(deadLetterQueueUrl)
					.attributeNames(QueueAttributeName.QUEUE_ARN))
				.attributes()
				.get(QueueAttributeName.QUEUE_ARN);
			String queueUrl = sqs.createQueue(QUEUE,
					Map.of(QueueAttributeName.REDRIVE_POLICY, redrivePolicy(deadLetterQueueArn)));
			log.info("SQS (ElasticMQ) endpoint: {}, queue {}", sqs.endpoint(), queueUrl);
			TestPostgres postgres = TestPostgres.instance();
			JdbcTarget database = postgres.newDatabase();
			log.info("PostgreSQL JDBC URL: {} (user {}) on {}", database.url(), database.username(),
					postgres.describe());
			log.info("Rows: psql \"{}\" -c 'select * from user_logins'", database.url()
				.replaceFirst("^jdbc:postgresql://", "postgresql://" + database.username() + "@"));
			return new LocalServices(sqs, queueUrl, deadLetterQueueUrl, database);
		}
		catch (RuntimeException ex) {
			sqs.stop();
			throw ex;
		}
	}

	public ElasticMq sqs() {
		return this.sqs;
	}

	public String queueUrl() {
		return this.queueUrl;
	}

	public String deadLetterQueueUrl() {
		return this.deadLetterQueueUrl;
	}

	public JdbcTarget database() {
		return this.database;
	}

	/** Sends each body to {@link #QUEUE} as one message, in order. */
	public void send(List<String> bodies) {
		for (int from = 0; from < bodies.size(); from += SQS_BATCH_LIMIT) {
			List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
			for (int i = from; i < Math.min(from + SQS_BATCH_LIMIT, bodies.size()); i++) {
				entries.add(SendMessageBatchRequestEntry.builder()
					.id(Integer.toString(i))
					.messageBody(bodies.get(i))
					.build());
			}
			SendMessageBatchResponse response = this.sqs.client()
				.sendMessageBatch((request) -> request.queueUrl(this.queueUrl).entries(entries));
			if (!response.failed().isEmpty()) {
				throw new IllegalStateException("ElasticMQ refused messages: " + response.failed());
			}
		}
	}

	/**
	 * Points the service at these services: SQS endpoint, region, credentials and queues, the
	 * datasource, and the development masking keyset with the opt-in without which the service
	 * refuses it. Fits a {@code DynamicPropertyRegistrar} bean ({@code services::registerProperties})
	 * and a {@code @DynamicPropertySource} method alike.
	 */
	public void registerProperties(DynamicPropertyRegistry registry) {
		this.sqs.springProperties().forEach((name, value) -> registry.add(name, () -> value));
		this.database.springProperties().forEach((name, value) -> registry.add(name, () -> value));
		registry.add("logins.queue", this::queueUrl);
		registry.add("logins.dead-letter-queue", this::deadLetterQueueUrl);
		registry.add("logins.masking.keyset", LocalServices::devKeyset);
		// The service refuses the public development keyset unless told that this is a local run.
		registry.add("logins.masking.allow-development-keyset", () -> "true");
	}

	/** The Tink keyset kept in the repository for tests and local runs: its tokens are not secret. */
	public static String devKeyset() {
		try (InputStream keyset = LocalServices.class.getResourceAsStream(DEV_KEYSET)) {
			if (keyset == null) {
				throw new IllegalStateException(DEV_KEYSET + " is missing from the test classpath");
			}
			return new String(keyset.readAllBytes(), StandardCharsets.UTF_8).strip();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Stops ElasticMQ. The PostgreSQL server is shared and stops with the JVM. */
	@Override
	public void close() {
		this.sqs.stop();
	}

	private static String redrivePolicy(String deadLetterQueueArn) {
		return "{\"deadLetterTargetArn\": \"" + deadLetterQueueArn + "\", \"maxReceiveCount\": \"" + MAX_RECEIVE_COUNT
				+ "\"}";
	}

}
