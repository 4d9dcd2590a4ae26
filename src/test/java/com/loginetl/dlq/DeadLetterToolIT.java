package com.loginetl.dlq;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.loginetl.masking.DeadLetterSeal;
import com.loginetl.support.DeadLetterBodies;
import com.loginetl.support.Scenario;
import com.loginetl.support.SampleEvents;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.TestQueues;
import com.loginetl.support.ThrottlingSqs;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code dlq stats} and {@code dlq redrive} on thousands of dead letters of mixed reasons, with
 * copies, a filter, a redrive killed midway and rerun, and the service storing what was redriven.
 * The preloaded dead letters are plain, as the service wrote them before bodies were sealed: they
 * are still counted and redriven, and redrive seals its attributes for them
 * ({@link SealedDeadLettersIT} covers sealed ones).
 */
class DeadLetterToolIT {

	private static final String FIXED = "database_rejected:23514";

	/** In every body, so that a printed body would show. */
	private static final String PII_MARKER = "198.51.100.";

	@Test
	void statsCountsWithoutConsumingAndRedriveMovesEachSourceMessageOnceAcrossAKillAndRerun() {
		Scenario scenario = Scenario.create("dlq-tool");
		TestQueues queues = scenario.queues();
		DeadLetters preloaded = preload(queues);
		// Room for a test machine under heavy load; the commands retry reads, not the test's claims.
		scenario.environment().put("LOGINS_SQS_TIMEOUT", "15s");

		// stats: counts by reason, copies, nothing printed of a body, nothing consumed, no keyset needed
		Map<String, String> withoutKeyset = new HashMap<>(scenario.environment());
		withoutKeyset.remove("LOGINS_MASKING_KEYSET");
		Run stats = runInProcess(withoutKeyset, "dlq", "stats");
		assertThat(stats.exit()).as(stats.toString()).isZero();
		assertThat(stats.out()).containsPattern(FIXED + "\\s+700\\b")
			.containsPattern("not_json\\s+650\\b")
			.containsPattern("wrong_type:user_id\\s+650\\b")
			.containsPattern("total\\s+2000\\b")
			.contains("copies: 200 dead letters share their source_message_id with another (100 source messages)")
			.contains("oldest: ")
			.containsPattern("plain \\(written before sealing\\)\\s+2000\\b");
		assertThat(stats.out() + stats.err()).doesNotContain(PII_MARKER);
		assertThat(queues.waiting(queues.deadLetterQueueUrl())).isEqualTo(2000);
		assertThat(queues.inFlight(queues.deadLetterQueueUrl())).isZero();

		// usage errors
		assertThat(runInProcess(scenario, "dlq", "redrive", "--limit", "lots").exit()).isEqualTo(2);
		assertThat(runInProcess(scenario, "dlq", "stats", "--dry-run").exit()).isEqualTo(2);
		assertThat(runInProcess(scenario, "dlq", "purge").exit()).isEqualTo(2);

		// a dry run changes nothing
		Run dry = runInProcess(scenario, "dlq", "redrive", "--reason", "database_rejected:*", "--dry-run");
		assertThat(dry.exit()).as(dry.toString()).isZero();
		assertThat(dry.out()).containsPattern("would move to the source queue:\\s+600\\b")
			.containsPattern("would skip as copies \\(deleted\\):\\s+100\\b")
			.containsPattern("left, reason did not match:\\s+1300\\b");
		assertThat(queues.waiting(queues.deadLetterQueueUrl())).isEqualTo(2000);
		assertThat(queues.waiting()).isZero();

		// A redrive of the fixed reason, killed midway, then run again
		List<String> redrive = List.of("dlq", "redrive", "--reason", "database_rejected:*", "--visibility-timeout=10s");
		try (ServiceProcess killed = ServiceProcess.start(jar(redrive), scenario.environment())) {
			await().atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofMillis(5))
				.until(() -> queues.waiting() >= 100 || !killed.isAlive());
			assertThat(killed.isAlive()).as("redrive still running when killed; output:%n%s", killed.output()).isTrue();
			killed.kill();
		}
		assertThat(queues.waiting()).as("sent before the kill").isBetween(100, 599);
		Run rerun = runJar(scenario, redrive);
		assertThat(rerun.exit()).as(rerun.toString()).isZero();
		assertThat(rerun.out()).containsPattern("left, reason did not match:\\s+1300\\b")
			.containsPattern("left, failed \\(SQS refused\\):\\s+0\\b")
			.contains("every matching dead letter was moved");
		assertThat(rerun.out() + rerun.err()).doesNotContain(PII_MARKER).contains("dlq redrive: moved ");
		assertThat(queues.waiting(queues.deadLetterQueueUrl())).isEqualTo(1300);
		assertThat(queues.inFlight(queues.deadLetterQueueUrl())).isZero();

		// What reached the source queue: bodies unchanged, redriven_from naming the original, and a
		// redrive_seal vouching for it and for the original's send time over the body.
		List<Message> sent = peek(queues, queues.queueUrl());
		DeadLetterSeal seal = DeadLetterBodies.seal(scenario.environment().get("LOGINS_MASKING_KEYSET"));
		assertThat(sent).allSatisfy((message) -> {
			String original = message.messageAttributes().get("redriven_from").stringValue();
			assertThat(preloaded.bodies().get(original)).isEqualTo(message.body());
			assertThat(seal.verifiesRedrive(original, message.messageAttributes().get("source_sent_timestamp").stringValue(),
					message.body(), message.messageAttributes().get("redrive_seal").stringValue())).isTrue();
		});
		Set<String> originals = new HashSet<>();
		sent.forEach((message) -> originals.add(message.messageAttributes().get("redriven_from").stringValue()));
		assertThat(originals).isEqualTo(preloaded.fixedOriginals());

		// The service makes one row of each original: a second send (from the kill, or this one sent
		// by hand, a copy of one redrive sent, as a crash between a send and its delete would leave)
		// is a duplicate.
		Message doubled = sent.get(0);
		queues.sqs().client().sendMessage((request) -> request.queueUrl(queues.queueUrl())
			.messageBody(doubled.body())
			.messageAttributes(doubled.messageAttributes()));
		JdbcClient database = JdbcClient.create(new DriverManagerDataSource(scenario.database().url(),
				scenario.database().username(), scenario.database().password()));
		// Not waiting for readiness: what counts is the rows, and a loaded machine starts slowly.
		try (ServiceProcess service = ServiceProcess.start(scenario.environment(), "-Xmx256m")) {
			await().atMost(Duration.ofSeconds(180))
				.pollInterval(Duration.ofMillis(250))
				.until(() -> queues.sourceDepth() == 0);
			List<String> ids = database.sql("SELECT sqs_message_id FROM user_logins").query(String.class).list();
			assertThat(ids).doesNotHaveDuplicates();
			assertThat(new HashSet<>(ids)).isEqualTo(preloaded.fixedOriginals());

			// Redriven and rejected again: a dead letter again, under the original's id.
			Run notJson = runInProcess(scenario, "dlq", "redrive", "--reason", "not_json", "--limit", "100");
			assertThat(notJson.exit()).as(notJson.toString()).isZero();
			assertThat(notJson.out()).containsPattern("moved to the source queue:\\s+100\\b")
				.containsPattern("left, over --limit:\\s+\\d+");
			await().atMost(Duration.ofSeconds(120))
				.pollInterval(Duration.ofMillis(250))
				.until(() -> queues.sourceDepth() == 0 && queues.waiting(queues.deadLetterQueueUrl()) == 1300);
		}
		// Rejected again, they are dead letters again under the ids of their original messages.
		Set<String> deadLetterSources = new HashSet<>();
		peek(queues, queues.deadLetterQueueUrl()).forEach((message) -> deadLetterSources
			.add(message.messageAttributes().get("source_message_id").stringValue()));
		assertThat(deadLetterSources).hasSize(1300).isEqualTo(preloaded.otherOriginals());
		Run after = runInProcess(scenario, "dlq", "stats");
		assertThat(after.out()).containsPattern("not_json\\s+650\\b")
			.containsPattern("total\\s+1300\\b")
			.contains("copies: 0 dead letters");
		assertThat(database.sql("SELECT count(*) FROM user_logins").query(Long.class).single()).isEqualTo(600);
	}

	/**
	 * SQS refuses a redrive's sends, then in a second run its deletes: either way the dead letters
	 * stay in the dead-letter queue, the summary counts them as failed and the command exits 1, so
	 * that a script or a Job sees that not everything was moved. A run after SQS takes calls again
	 * moves them and exits 0. The refusals are errors the SDK does not retry ({@code AccessDenied}).
	 */
	@Test
	void aSendOrADeleteSqsRefusesLeavesTheDeadLettersAndExitsOne() {
		Scenario scenario = Scenario.create("dlq-refused");
		TestQueues queues = scenario.queues();
		SqsClient sqs = queues.sqs().client();
		for (int i = 0; i < 3; i++) {
			String body = SampleEvents.event("refused-" + i, "2.3.0", "ios", PII_MARKER + i, "EN", "d-" + i);
			sqs.sendMessage((request) -> request.queueUrl(queues.deadLetterQueueUrl())
				.messageBody(body)
				.messageAttributes(Map.of("reason", text(FIXED), "source_message_id", text(UUID.randomUUID().toString()))));
		}
		List<String> redrive = List.of("dlq", "redrive", "--reason", FIXED, "--visibility-timeout=3s");

		try (ThrottlingSqs refusing = ThrottlingSqs.to(queues.sqs().endpoint(), "AccessDenied")) {
			refusing.throttle("SendMessageBatch", 1_000);
			Run refusedSend = runInProcess(through(scenario, refusing), redrive.toArray(String[]::new));
			assertThat(refusing.throttled("SendMessageBatch")).as("sends refused").isPositive();
			assertThat(refusedSend.exit()).as(refusedSend.toString()).isEqualTo(1);
			assertThat(refusedSend.out()).containsPattern("moved to the source queue:\\s+0\\b")
				.containsPattern("left, failed \\(SQS refused\\):\\s+3\\b")
				.contains("not everything matching was moved");
		}
		assertThat(queues.waiting(queues.deadLetterQueueUrl())).as("dead letters after the refused sends").isEqualTo(3);
		assertThat(queues.sourceDepth()).as("source queue after the refused sends").isZero();

		try (ThrottlingSqs refusing = ThrottlingSqs.to(queues.sqs().endpoint(), "AccessDenied")) {
			refusing.throttle("DeleteMessageBatch", 1_000);
			Run refusedDelete = runInProcess(through(scenario, refusing), redrive.toArray(String[]::new));
			assertThat(refusing.throttled("DeleteMessageBatch")).as("deletes refused").isPositive();
			assertThat(refusedDelete.exit()).as(refusedDelete.toString()).isEqualTo(1);
			assertThat(refusedDelete.out()).containsPattern("moved to the source queue:\\s+0\\b")
				.containsPattern("left, failed \\(SQS refused\\):\\s+3\\b")
				.contains("not everything matching was moved");
		}
		assertThat(queues.waiting(queues.deadLetterQueueUrl())).as("dead letters after the refused deletes").isEqualTo(3);
		assertThat(queues.sourceDepth()).as("sent before the refused deletes").isEqualTo(3);

		Run rerun = runInProcess(scenario, redrive.toArray(String[]::new));
		assertThat(rerun.exit()).as(rerun.toString()).isZero();
		assertThat(rerun.out()).containsPattern("left, failed \\(SQS refused\\):\\s+0\\b");
		assertThat(queues.depth(queues.deadLetterQueueUrl())).isZero();
	}

	/** The scenario's environment with SQS reached through {@code relay}. */
	private static Map<String, String> through(Scenario scenario, ThrottlingSqs relay) {
		Map<String, String> environment = new HashMap<>(scenario.environment());
		environment.put("SPRING_CLOUD_AWS_SQS_ENDPOINT", relay.endpoint().toString());
		return environment;
	}

	/**
	 * 700 dead letters of a fixed cause with valid bodies (600 source messages, 100 of them
	 * dead-lettered twice), 650 not JSON and 650 of a wrong type, as the service sends them.
	 */
	private static DeadLetters preload(TestQueues queues) {
		List<String[]> deadLetters = new ArrayList<>();
		Map<String, String> bodies = new HashMap<>();
		Set<String> fixed = new HashSet<>();
		Set<String> others = new HashSet<>();
		for (int i = 0; i < 600; i++) {
			String original = UUID.randomUUID().toString();
			String body = SampleEvents.event("redriven-" + i, "2.3.0", "ios", PII_MARKER + (i % 250), "EN", "d-" + i);
			bodies.put(original, body);
			fixed.add(original);
			deadLetters.add(new String[] { body, FIXED, original });
			if (i % 6 == 0) {
				deadLetters.add(new String[] { body, FIXED, original });
			}
		}
		for (int i = 0; i < 1300; i++) {
			String original = UUID.randomUUID().toString();
			boolean notJson = i % 2 == 0;
			String body = notJson ? "{\"user_id\": \"u" + i + "\", \"ip\": \"" + PII_MARKER + "1\""
					: "{\"user_id\": " + i + ", \"ip\": \"" + PII_MARKER + "2\"}";
			bodies.put(original, body);
			others.add(original);
			deadLetters.add(new String[] { body, notJson ? "not_json" : "wrong_type:user_id", original });
		}
		java.util.Collections.shuffle(deadLetters, new java.util.Random(10));
		SqsClient sqs = queues.sqs().client();
		for (int from = 0; from < deadLetters.size(); from += 10) {
			List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
			for (int i = from; i < Math.min(from + 10, deadLetters.size()); i++) {
				String[] deadLetter = deadLetters.get(i);
				entries.add(SendMessageBatchRequestEntry.builder()
					.id(Integer.toString(i))
					.messageBody(deadLetter[0])
					.messageAttributes(Map.of("reason", text(deadLetter[1]), "source_message_id", text(deadLetter[2])))
					.build());
			}
			assertThat(sqs.sendMessageBatch((request) -> request.queueUrl(queues.deadLetterQueueUrl()).entries(entries))
				.failed()).isEmpty();
		}
		return new DeadLetters(bodies, fixed, others);
	}

	/** Every message on a queue, left there (received, then made visible again). */
	private static List<Message> peek(TestQueues queues, String url) {
		SqsClient sqs = queues.sqs().client();
		Map<String, Message> seen = new HashMap<>();
		List<Message> batch;
		do {
			batch = sqs.receiveMessage((request) -> request.queueUrl(url)
				.maxNumberOfMessages(10)
				.visibilityTimeout(60)
				.messageAttributeNames("All")).messages();
			batch.forEach((message) -> seen.put(message.messageId(), message));
		}
		while (!batch.isEmpty());
		seen.values().forEach((message) -> sqs.changeMessageVisibility((request) -> request.queueUrl(url)
			.receiptHandle(message.receiptHandle())
			.visibilityTimeout(0)));
		return new ArrayList<>(seen.values());
	}

	private static MessageAttributeValue text(String value) {
		return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
	}

	private static List<String> jar(List<String> args) {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx128m", "-jar", Path.of("target", "login-etl.jar").toString()));
		command.addAll(args);
		return command;
	}

	private static Run runJar(Scenario scenario, List<String> args) {
		try (ServiceProcess tool = ServiceProcess.start(jar(args), scenario.environment())) {
			int exit = tool.awaitExit(Duration.ofSeconds(120));
			return new Run(exit, tool.output(), "");
		}
	}

	/** The command in this JVM, with the scenario's environment as the process environment. */
	private static Run runInProcess(Scenario scenario, String... args) {
		return runInProcess(scenario.environment(), args);
	}

	/** The command in this JVM, with this process environment. */
	private static Run runInProcess(Map<String, String> processEnvironment, String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
							new HashMap<>(processEnvironment)));
		int exit = DeadLetterTool.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8), environment);
		return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	record Run(int exit, String out, String err) {
	}

	/** What was preloaded: each original's body, the originals of the fixed reason and the others. */
	record DeadLetters(Map<String, String> bodies, Set<String> fixedOriginals, Set<String> otherOriginals) {
	}

}
