package com.loginetl.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import software.amazon.awssdk.services.sqs.model.Message;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Messages sent to a service under test, remembered by SQS message id, and the checks that every
 * valid one became exactly one row and every invalid one reached the dead-letter queue with its
 * reason.
 */
public final class Workload {

	private static final List<Map.Entry<String, String>> INVALID = List.of(
			Map.entry("{\"foo\": \"oops_wrong_msg_type\", \"bar\": \"123\"}", "missing_user_id"),
			Map.entry("{\"user_id\": \"u\", \"ip\": \"10.0.0.1\"", "not_json"),
			Map.entry("{\"user_id\": 5}", "wrong_type:user_id"),
			Map.entry("{\"user_id\": \"u\", \"locale\": \"" + "x".repeat(40) + "\"}", "too_long:locale"));

	private final TestQueues queues;

	private final JdbcClient database;

	private final Random random = new Random(7);

	private final Set<String> valid = ConcurrentHashMap.newKeySet();

	private final Map<String, String> reasonsOfInvalid = new ConcurrentHashMap<>();

	private int sequence;

	public Workload(TestQueues queues, JdbcTarget database) {
		this.queues = queues;
		this.database = JdbcClient
			.create(new DriverManagerDataSource(database.url(), database.username(), database.password()));
	}

	/** Sends {@code validCount} events and {@code invalidCount} bad messages, shuffled together. */
	public synchronized void send(int validCount, int invalidCount) {
		List<String> bodies = new ArrayList<>();
		Map<String, String> reasons = new HashMap<>();
		for (int i = 0; i < validCount; i++) {
			bodies.add(SampleEvents.event("user-" + this.sequence++, "2.3.0", "android",
					"10.0." + this.random.nextInt(4) + "." + this.random.nextInt(250), "EN",
					"593-47-" + (1000 + this.random.nextInt(50))));
		}
		for (int i = 0; i < invalidCount; i++) {
			Map.Entry<String, String> invalid = INVALID.get(i % INVALID.size());
			// A distinct body each time, so that each dead letter can be matched to its message.
			String body = invalid.getKey().replace("oops_wrong_msg_type", "oops_" + this.sequence++);
			bodies.add(body);
			reasons.put(body, invalid.getValue());
		}
		Collections.shuffle(bodies, this.random);
		List<String> ids = this.queues.sendAll(bodies);
		for (int i = 0; i < bodies.size(); i++) {
			String reason = reasons.get(bodies.get(i));
			if (reason == null) {
				this.valid.add(ids.get(i));
			}
			else {
				this.reasonsOfInvalid.put(ids.get(i), reason);
			}
		}
	}

	/**
	 * Sends {@code perSecond} valid messages (and one invalid in every hundred) each second on a
	 * thread of its own until the returned flag is set.
	 */
	public AtomicBoolean sendSteadily(int perSecond) {
		AtomicBoolean stop = new AtomicBoolean();
		Thread producer = new Thread(() -> {
			while (!stop.get()) {
				long started = System.nanoTime();
				send(perSecond, perSecond / 100);
				long left = 1_000 - (System.nanoTime() - started) / 1_000_000;
				if (left > 0) {
					try {
						Thread.sleep(left);
					}
					catch (InterruptedException ex) {
						return;
					}
				}
			}
		}, "steady-producer");
		producer.setDaemon(true);
		producer.start();
		return stop;
	}

	public int validCount() {
		return this.valid.size();
	}

	public int invalidCount() {
		return this.reasonsOfInvalid.size();
	}

	public long rows() {
		return this.database.sql("SELECT count(*) FROM user_logins").query(Long.class).single();
	}

	/** Waits until the rows are in, then checks there is exactly one per valid message and no other. */
	public void assertEveryValidMessageIsExactlyOneRow(Duration timeout) {
		await().atMost(timeout).pollInterval(Duration.ofMillis(500)).until(() -> rows() >= this.valid.size());
		List<String> stored = this.database.sql("SELECT sqs_message_id FROM user_logins").query(String.class).list();
		assertThat(stored).hasSize(this.valid.size()).doesNotHaveDuplicates();
		assertThat(new HashSet<>(stored)).isEqualTo(this.valid);
	}

	/**
	 * Takes the dead letters and checks each invalid message is there once, with its reason, and
	 * nothing else is.
	 */
	public void assertEveryInvalidMessageIsDeadLettered(Duration timeout) {
		Map<String, List<String>> reasons = takeDeadLetterReasons(timeout);
		assertThat(reasons).allSatisfy((id, reasonsOfOne) -> assertThat(reasonsOfOne).as(id).hasSize(1));
	}

	/**
	 * As {@link #assertEveryInvalidMessageIsDeadLettered}, but a message may be dead-lettered more
	 * than once, always with the same reason: after a crash or a lost delete between the
	 * dead-letter send and the delete from the source, SQS delivers it again.
	 */
	public void assertEveryInvalidMessageIsDeadLetteredAtLeastOnce(Duration timeout) {
		Map<String, List<String>> reasons = takeDeadLetterReasons(timeout);
		assertThat(reasons).allSatisfy((id, reasonsOfOne) -> assertThat(Set.copyOf(reasonsOfOne)).as(id).hasSize(1));
	}

	private Map<String, List<String>> takeDeadLetterReasons(Duration timeout) {
		List<Message> deadLetters = this.queues.takeDeadLetters(
				(taken) -> sourceIds(taken).containsAll(this.reasonsOfInvalid.keySet()), timeout);
		Map<String, List<String>> reasons = new HashMap<>();
		for (Message dead : deadLetters) {
			reasons.computeIfAbsent(sourceId(dead), (id) -> new ArrayList<>())
				.add(dead.messageAttributes().get("reason").stringValue());
		}
		Map<String, String> firstReasons = new HashMap<>();
		reasons.forEach((id, reasonsOfOne) -> firstReasons.put(id, reasonsOfOne.get(0)));
		assertThat(firstReasons).isEqualTo(this.reasonsOfInvalid);
		return reasons;
	}

	private static Set<String> sourceIds(List<Message> deadLetters) {
		Set<String> ids = new HashSet<>();
		deadLetters.forEach((dead) -> ids.add(sourceId(dead)));
		return ids;
	}

	private static String sourceId(Message deadLetter) {
		return deadLetter.messageAttributes().get("source_message_id").stringValue();
	}

}
