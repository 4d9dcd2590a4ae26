package com.loginetl.dlq;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.loginetl.masking.DeadLetterSeal;
import com.loginetl.masking.Keysets;
import com.loginetl.masking.MaskingProperties;
import com.loginetl.support.LoginEtlIntegrationTest;
import com.loginetl.support.SampleEvents;
import com.loginetl.support.TestQueues;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Dead letters through the running service and the {@code dlq} commands: a rejected message's body
 * is sealed in the dead-letter queue, {@code dlq stats} counts it by sealing key without a keyset,
 * {@code dlq show} opens it (also with the keyset after a rotation, not with another keyset), and
 * {@code dlq redrive} sends the original back under a seal the service accepts, which makes one
 * row under the original message's id and date. A body too large to seal is dead-lettered without
 * it, and counted.
 */
@LoginEtlIntegrationTest
class SealedDeadLettersIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String IP = "198.51.100.177";

	private static final String DEVICE_ID = "sealed-dev-0177";

	@Autowired
	TestQueues queues;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	MaskingProperties masking;

	@Autowired
	DeadLetterSeal seal;

	@Autowired
	MeterRegistry meters;

	@Test
	void aSealedDeadLetterIsCountedWithoutTheKeyShownWithItAndRedrivenIntoOneRowUnderTheOriginal() {
		String user = "sealed-" + UUID.randomUUID();
		String constraint = "refuse_" + user.replace('-', '_');
		String body = SampleEvents.event(user, "2.3.0", "ios", IP, "EN", DEVICE_ID);
		String keyset = this.masking.keysetJson();
		double ignoredBefore = this.meters.counter("logins.redrive.attributes.ignored").count();
		this.jdbc.sql("ALTER TABLE user_logins ADD CONSTRAINT " + constraint + " CHECK (user_id <> '" + user + "')")
			.update();
		String id;
		Message deadLetter;
		try {
			id = this.queues.send(body);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> this.queues.waiting(this.queues.deadLetterQueueUrl()) == 1);
			deadLetter = peekDeadLetter();
		}
		finally {
			this.jdbc.sql("ALTER TABLE user_logins DROP CONSTRAINT " + constraint).update();
		}
		Instant sent = Instant.ofEpochMilli(Long.parseLong(deadLetter.messageAttributes()
			.get("source_sent_timestamp")
			.stringValue()));

		// In the queue: Base64 ciphertext, the attributes in clear.
		assertThat(deadLetter.body()).isNotEqualTo(body).doesNotContain(IP, DEVICE_ID, user).matches("[A-Za-z0-9+/=]+");
		assertThat(deadLetter.messageAttributes().get("sealed").stringValue()).isEqualTo("v1");
		assertThat(deadLetter.messageAttributes().get("reason").stringValue()).isEqualTo("database_rejected:23514");
		assertThat(deadLetter.messageAttributes().get("source_message_id").stringValue()).isEqualTo(id);
		assertThat(DeadLetterSeal.keyIdOf(deadLetter.body())).hasValue(this.seal.primaryKeyId());
		String primary = Integer.toUnsignedString(this.seal.primaryKeyId());

		// stats: no keyset needed; counts by reason and by sealing key.
		Run stats = run(null, "dlq", "stats");
		assertThat(stats.exit()).as(stats.toString()).isZero();
		assertThat(stats.out()).containsPattern("database_rejected:23514\\s+1\\b")
			.containsPattern("sealed under key " + primary + "\\s+1\\b")
			.contains("keyset: not loaded")
			.doesNotContain(IP, DEVICE_ID);

		// show: the key holder reads the body back, also with the keyset rotated since.
		Run show = run(keyset, "dlq", "show", "--reason", "database_rejected:*");
		assertThat(show.exit()).as(show.toString()).isZero();
		assertThat(shownBody(show)).isEqualTo(body);
		assertThat(show.err()).contains("dlq show: 1 shown with their body, 0 not opened");
		Run afterRotation = run(Keysets.rotate(keyset), "dlq", "show");
		assertThat(afterRotation.exit()).as(afterRotation.toString()).isZero();
		assertThat(shownBody(afterRotation)).isEqualTo(body);

		// Another keyset opens nothing, and stats warns that the key is not in it.
		String other = Keysets.generate();
		Run withOther = run(other, "dlq", "show");
		assertThat(withOther.exit()).isEqualTo(1);
		assertThat(withOther.out()).doesNotContain(IP, DEVICE_ID).contains("\"body\":null");
		Run statsWithOther = run(other, "dlq", "stats");
		assertThat(statsWithOther.out()).containsPattern("sealed under key " + primary + "\\s+1\\s+NOT IN THE KEYSET")
			.contains("warning: 1 dead letters are sealed under keys not in this keyset");

		// redrive needs the keyset, and then sends the original under a seal the service accepts.
		assertThat(run(null, "dlq", "redrive").exit()).isEqualTo(1);
		Run redrive = run(keyset, "dlq", "redrive");
		assertThat(redrive.exit()).as(redrive.toString()).isZero();
		assertThat(redrive.out()).containsPattern("moved to the source queue:\\s+1\\b");
		await().atMost(Duration.ofSeconds(30)).until(() -> rows(user).size() == 1);
		assertThat(rows(user)).containsExactly(id + " " + LocalDate.ofInstant(sent, ZoneOffset.UTC));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.queues.sourceDepth() == 0);
		assertThat(this.queues.depth(this.queues.deadLetterQueueUrl())).isZero();
		assertThat(this.meters.counter("logins.redrive.attributes.ignored").count()).isEqualTo(ignoredBefore);
	}

	/**
	 * A body whose seal would not fit one SQS message (240 KiB of random text hardly compresses, and
	 * Base64 adds a third) is dead-lettered without it: reason and ids in the attributes,
	 * {@code sealed=omitted}, a body that says so, and a count. Never the plaintext.
	 */
	@Test
	void aBodyTooLargeToSealIsDeadLetteredWithoutItAndCounted() {
		SecureRandom random = new SecureRandom();
		StringBuilder text = new StringBuilder("{\"ip\": \"" + IP + "\", \"noise\": \"");
		while (text.length() < 240 * 1024) {
			char c = (char) (0x21 + random.nextInt(0x7e - 0x21));
			text.append((c == '"' || c == '\\') ? 'x' : c);
		}
		String body = text.toString();
		double omittedBefore = this.meters.counter("logins.dead_letter.bodies_omitted").count();

		String id = this.queues.send(body);

		List<Message> deadLetters = this.queues.takeDeadLetters(1);
		assertThat(deadLetters).singleElement().satisfies((dead) -> {
			assertThat(dead.messageAttributes().get("sealed").stringValue()).isEqualTo("omitted");
			assertThat(dead.messageAttributes().get("reason").stringValue()).isEqualTo("not_json");
			assertThat(dead.messageAttributes().get("source_message_id").stringValue()).isEqualTo(id);
			assertThat(dead.body()).startsWith("body omitted: " + body.length() + " bytes").doesNotContain(IP);
		});
		// Counted once SQS has answered the send, which may be just after the dead letter arrived.
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.meters.counter("logins.dead_letter.bodies_omitted").count() - omittedBefore == 1);
	}

	private List<String> rows(String user) {
		return this.jdbc.sql("SELECT sqs_message_id || ' ' || create_date FROM user_logins WHERE user_id = ?")
			.param(user)
			.query(String.class)
			.list();
	}

	private static String shownBody(Run show) {
		List<String> lines = show.out().lines().toList();
		assertThat(lines).as(show.toString()).hasSize(1);
		JsonNode line = JSON.readTree(lines.get(0));
		assertThat(line.path("body_kind").asString()).isEqualTo("sealed");
		return line.path("body").asString();
	}

	/** The one dead letter, left on the queue. */
	private Message peekDeadLetter() {
		var sqs = this.queues.sqs().client();
		Message message = sqs.receiveMessage((request) -> request.queueUrl(this.queues.deadLetterQueueUrl())
			.maxNumberOfMessages(1)
			.waitTimeSeconds(1)
			.messageSystemAttributeNames(MessageSystemAttributeName.SENT_TIMESTAMP)
			.messageAttributeNames("All")).messages().get(0);
		sqs.changeMessageVisibility((request) -> request.queueUrl(this.queues.deadLetterQueueUrl())
			.receiptHandle(message.receiptHandle())
			.visibilityTimeout(0));
		return message;
	}

	/** A {@code dlq} command in this JVM with the context's SQS and queues, and this keyset (or none). */
	private Run run(String keyset, String... args) {
		Map<String, Object> properties = new HashMap<>(this.queues.sqs().springProperties());
		properties.put("logins.queue", this.queues.queueUrl());
		properties.put("logins.dead-letter-queue", this.queues.deadLetterQueueUrl());
		properties.put("logins.sqs-timeout", "15s");
		if (keyset != null) {
			properties.put("logins.masking.keyset", keyset);
		}
		StandardEnvironment environment = new StandardEnvironment();
		// Only these settings: none of the machine's LOGINS_* variables.
		environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
		environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int exit = DeadLetterTool.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8), environment);
		return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	record Run(int exit, String out, String err) {
	}

}
