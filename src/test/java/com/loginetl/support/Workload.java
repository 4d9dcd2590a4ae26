package com.loginetl.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import software.amazon.awssdk.services.sqs.model.Message;

import com.loginetl.masking.DeadLetterSeal;
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

	/** How long the dead-letter queue must stay empty, with the source queue empty, before it counts as settled. */
	private static final Duration SETTLE = Duration.ofSeconds(3);

	private final TestQueues queues;

	private final JdbcClient database;

	private final Random random = new Random(7);

	/** SQS message id of each valid message, and the user_id it carries (unique per message). */
	private final Map<String, String> valid = new ConcurrentHashMap<>();

	/** SQS message id of each invalid message, and its body (unique per message). */
	private final Map<String, String> bodiesOfInvalid = new ConcurrentHashMap<>();

	private final Map<String, String> reasonsOfInvalid = new ConcurrentHashMap<>();

	private int sequence;

	private final DeadLetterSeal seal;

	/** @param keyset the masking keyset the service runs with, from which its dead letters are sealed */
	public Workload(TestQueues queues, JdbcTarget database, String keyset) {
		this.queues = queues;
		this.seal = DeadLetterBodies.seal(keyset);
		this.database = JdbcClient
			.create(new DriverManagerDataSource(database.url(), database.username(), database.password()));
	}

	/**
	 * Sends one valid event that SQS hands out only after {@code delay}, so that a test can prepare
	 * something for it (a lock on its row) while services are running; returns its SQS message id.
	 */
	public synchronized String sendOneValid(Duration delay) {
		String user = "user-" + this.sequence++;
		String body = SampleEvents.event(user, "2.3.0", "android",
				"10.0." + this.random.nextInt(4) + "." + this.random.nextInt(250), "EN",
				"593-47-" + (1000 + this.random.nextInt(50)));
		String id = this.queues.send(body, delay);
		this.valid.put(id, user);
		return id;
	}

	/** Sends {@code validCount} events and {@code invalidCount} bad messages, shuffled together. */
	public void send(int validCount, int invalidCount) {
		send(validCount, invalidCount, 0);
	}

	/**
	 * As {@link #send(int, int)}, each body padded to {@code bodyBytes} with a field the service
	 * ignores ({@code "padding"}), which leaves each message's outcome and reason as they were.
	 */
	public synchronized void send(int validCount, int invalidCount, int bodyBytes) {
		List<String> bodies = new ArrayList<>();
		Map<String, String> reasons = new HashMap<>();
		Map<String, String> users = new HashMap<>();
		for (int i = 0; i < validCount; i++) {
			String user = "user-" + this.sequence++;
			String body = SampleEvents.event(user, "2.3.0", "android",
					"10.0." + this.random.nextInt(4) + "." + this.random.nextInt(250), "EN",
					"593-47-" + (1000 + this.random.nextInt(50)));
			body = padded(body, bodyBytes);
			bodies.add(body);
			users.put(body, user);
		}
		for (int i = 0; i < invalidCount; i++) {
			Map.Entry<String, String> invalid = INVALID.get(i % INVALID.size());
			// A distinct body each time, so that each dead letter can be matched to its message.
			String body = padded(invalid.getKey().replace("oops_wrong_msg_type", "oops_" + this.sequence++), bodyBytes);
			bodies.add(body);
			reasons.put(body, invalid.getValue());
		}
		Collections.shuffle(bodies, this.random);
		List<String> ids = this.queues.sendAll(bodies);
		for (int i = 0; i < bodies.size(); i++) {
			String reason = reasons.get(bodies.get(i));
			if (reason == null) {
				this.valid.put(ids.get(i), users.get(bodies.get(i)));
			}
			else {
				this.reasonsOfInvalid.put(ids.get(i), reason);
				this.bodiesOfInvalid.put(ids.get(i), bodies.get(i));
			}
		}
	}

	/** The body with a {@code "padding"} field first, so that it is {@code bytes} long (ASCII), or unchanged if not shorter. */
	private static String padded(String body, int bytes) {
		String field = "\"padding\": \"\", ";
		int pad = bytes - body.length() - field.length();
		if (pad <= 0) {
			return body;
		}
		return "{\"padding\": \"" + "x".repeat(pad) + "\", " + body.substring(1);
	}

	/**
	 * Sends {@code perSecond} valid messages (and one invalid in every hundred) each second on a
	 * thread of its own until {@link SteadySender#stop()}.
	 */
	public SteadySender sendSteadily(int perSecond) {
		return new SteadySender(perSecond);
	}

	/** SQS message ids of the valid messages sent so far. */
	public Set<String> validIds() {
		return Set.copyOf(this.valid.keySet());
	}

	/** The valid messages sent so far: SQS message id to the user_id it carries (a live, read-only view). */
	public Map<String, String> validUsers() {
		return Collections.unmodifiableMap(this.valid);
	}

	/** The invalid messages sent so far: SQS message id to the reason the service must give (a live, read-only view). */
	public Map<String, String> invalidReasons() {
		return Collections.unmodifiableMap(this.reasonsOfInvalid);
	}

	/** The invalid messages sent so far: SQS message id to its body (a live, read-only view). */
	public Map<String, String> invalidBodies() {
		return Collections.unmodifiableMap(this.bodiesOfInvalid);
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

	/**
	 * Waits until the rows are in, then checks there is exactly one per valid message and no other:
	 * each row's {@code sqs_message_id} and {@code user_id} are those of one valid message, and no
	 * {@code user_id} occurs twice. (The message id alone could not show a doubled event: it has a
	 * unique index; each valid message carries a user_id of its own.)
	 */
	public void assertEveryValidMessageIsExactlyOneRow(Duration timeout) {
		await().atMost(timeout).pollInterval(Duration.ofMillis(500)).until(() -> rows() >= this.valid.size());
		List<Map.Entry<String, String>> stored = this.database.sql("SELECT sqs_message_id, user_id FROM user_logins")
			.query((row, n) -> Map.entry(String.valueOf(row.getString(1)), row.getString(2)))
			.list();
		assertThat(stored.stream().map(Map.Entry::getValue)).as("user_id of the rows").doesNotHaveDuplicates();
		Map<String, String> rowsById = new HashMap<>();
		stored.forEach((row) -> rowsById.put(row.getKey(), row.getValue()));
		assertThat(rowsById).as("user_id by sqs_message_id").isEqualTo(this.valid);
		assertThat(stored).hasSize(this.valid.size());
	}

	/**
	 * Reads the dead-letter queue until it is settled (below) and checks each invalid message is
	 * there exactly once, with its reason and its body unchanged, and nothing else is.
	 */
	public void assertEveryInvalidMessageIsDeadLettered(Duration timeout) {
		Map<String, List<Message>> deadLetters = takeSettledDeadLetters(timeout);
		assertThat(deadLetters).allSatisfy((id, copies) -> assertThat(copies).as("dead letters of %s", id).hasSize(1));
	}

	/**
	 * As {@link #assertEveryInvalidMessageIsDeadLettered}, but a message may be dead-lettered more
	 * than once, always with the same reason and body: after a crash or a lost delete between the
	 * dead-letter send and the delete from the source, SQS delivers it again.
	 */
	public void assertEveryInvalidMessageIsDeadLetteredAtLeastOnce(Duration timeout) {
		takeSettledDeadLetters(timeout);
	}

	/**
	 * Takes dead letters, grouped by {@code source_message_id}, until every invalid message has one,
	 * the source queue holds nothing (so no message can still be dead-lettered, since the send comes
	 * before the delete) and the dead-letter queue stayed empty for {@link #SETTLE}; a late copy of a
	 * dead letter is therefore counted, not left behind. Checks that each dead letter is of an
	 * invalid message, with that message's reason and body.
	 */
	private Map<String, List<Message>> takeSettledDeadLetters(Duration timeout) {
		Map<String, List<Message>> bySource = new HashMap<>();
		long[] quietSince = { System.nanoTime() };
		await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
			// as many batches as the queue holds, not one per poll: thousands of dead letters take seconds
			List<Message> taken = new ArrayList<>();
			List<Message> batch;
			do {
				batch = this.queues.takeDeadLetterBatch();
				taken.addAll(batch);
			}
			while (!batch.isEmpty());
			taken.forEach((dead) -> bySource.computeIfAbsent(sourceId(dead), (id) -> new ArrayList<>()).add(dead));
			if (!taken.isEmpty() || this.queues.sourceDepth() > 0
					|| !bySource.keySet().containsAll(this.reasonsOfInvalid.keySet())) {
				quietSince[0] = System.nanoTime();
				return false;
			}
			return System.nanoTime() - quietSince[0] >= SETTLE.toNanos();
		});
		assertThat(bySource.keySet()).as("source_message_id of the dead letters").isEqualTo(this.reasonsOfInvalid.keySet());
		bySource.forEach((id, copies) -> assertThat(copies).as("dead letters of %s", id).allSatisfy((dead) -> {
			assertThat(dead.messageAttributes().get("reason").stringValue()).isEqualTo(this.reasonsOfInvalid.get(id));
			assertThat(DeadLetterBodies.open(this.seal, dead)).isEqualTo(this.bodiesOfInvalid.get(id));
		}));
		return bySource;
	}

	private static String sourceId(Message deadLetter) {
		return deadLetter.messageAttributes().get("source_message_id").stringValue();
	}

	/**
	 * The thread {@link #sendSteadily(int)} started. {@link #stop()} lets it finish the second it is
	 * in, so that every message it sent is remembered before a test counts, and rethrows what made
	 * it fail, if anything did.
	 */
	public final class SteadySender implements AutoCloseable {

		private final AtomicBoolean stop = new AtomicBoolean();

		private final AtomicReference<Throwable> failure = new AtomicReference<>();

		private final Thread thread;

		private SteadySender(int perSecond) {
			this.thread = new Thread(() -> {
				try {
					while (!this.stop.get()) {
						long started = System.nanoTime();
						send(perSecond, perSecond / 100);
						long left = 1_000 - (System.nanoTime() - started) / 1_000_000;
						if (left > 0) {
							Thread.sleep(left);
						}
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				catch (Throwable ex) {
					this.failure.set(ex);
				}
			}, "steady-producer");
			this.thread.setDaemon(true);
			this.thread.start();
		}

		/** Stops sending and waits until the last send is done and remembered. */
		public void stop() {
			this.stop.set(true);
			try {
				this.thread.join(Duration.ofSeconds(60).toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			if (this.thread.isAlive()) {
				throw new IllegalStateException("The steady producer did not stop within 60 s");
			}
			if (this.failure.get() != null) {
				throw new IllegalStateException("The steady producer failed", this.failure.get());
			}
		}

		@Override
		public void close() {
			if (!this.stop.get()) {
				stop();
			}
		}

	}

}
