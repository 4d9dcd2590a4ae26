package com.loginetl.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.loginetl.masking.DeadLetterSeal;
import com.loginetl.support.DeadLetterBodies;
import com.loginetl.support.JdbcTarget;
import com.loginetl.support.TestQueues;
import com.loginetl.support.Workload;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The checks once everything has healed: each valid event exactly one row, found by the
 * {@code user_id} it alone carries (not by the message id, which has a unique index and so could
 * never show a doubled event); each invalid message exactly one dead letter with its reason and
 * its body (opened with the services' keyset); nothing valid dead-lettered; no raw ip or
 * device_id in any log. Each violation names its message ids.
 */
final class Checker {

	/** The producer's raw values: ips 10.0.0-3.x and device ids 593-47-1xxx (Workload), not inside a longer number. */
	static final Pattern RAW_PII = Pattern.compile("(?<![\\d.])10\\.0\\.[0-3]\\.\\d{1,3}(?![\\d.])|(?<!\\d)593-47-1\\d{3}(?!\\d)");

	/** How long the dead-letter queue must stay empty, with the source queue empty, before it counts as settled. */
	private static final Duration SETTLED = Duration.ofSeconds(10);

	/** How long the source queue must stay empty with no new row before the wait for missing rows ends. */
	private static final Duration STILL = Duration.ofSeconds(90);

	private final Workload workload;

	private final TestQueues queues;

	private final JdbcTarget admin;

	private final DeadLetterSeal seal;

	private final Findings findings;

	/** Figures for the report, in order. */
	private final Map<String, Object> figures = new java.util.LinkedHashMap<>();

	/** Invalid messages dead-lettered more than once, with how many times. */
	private final Map<String, Integer> copies = new TreeMap<>();

	Checker(Workload workload, TestQueues queues, JdbcTarget admin, String keyset, Findings findings) {
		this.workload = workload;
		this.queues = queues;
		this.admin = admin;
		this.seal = DeadLetterBodies.seal(keyset);
		this.findings = findings;
	}

	Map<String, Object> figures() {
		return this.figures;
	}

	Map<String, Integer> copies() {
		return this.copies;
	}

	/**
	 * Waits until the source queue is empty and there are at least as many rows as valid events;
	 * gives up at the deadline, or once the source queue has stayed empty and the rows unchanged
	 * for {@link #STILL} (what is missing then will not come).
	 */
	boolean awaitSettled(long deadlineNanos) throws SQLException {
		long rows = -1;
		long stillSince = System.nanoTime();
		while (System.nanoTime() < deadlineNanos) {
			long now = rowCount();
			boolean empty = this.queues.sourceDepth() == 0;
			if (empty && now >= this.workload.validCount()) {
				return true;
			}
			if (!empty || now != rows) {
				rows = now;
				stillSince = System.nanoTime();
			}
			else if (System.nanoTime() - stillSince > STILL.toNanos()) {
				Report.say("the source queue stayed empty and the rows at %d for %d s, short of %d valid events", now,
						STILL.toSeconds(), this.workload.validCount());
				return false;
			}
			Pod.sleep(Duration.ofSeconds(2));
		}
		return false;
	}

	/** Every valid event one row, and no other row. */
	void checkRows() throws SQLException {
		Map<String, List<String>> idsByUser = new HashMap<>();
		long rows = 0;
		try (Connection connection = connect(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT sqs_message_id, user_id FROM user_logins")) {
			while (result.next()) {
				rows++;
				idsByUser.computeIfAbsent(result.getString(2), (user) -> new ArrayList<>()).add(result.getString(1));
			}
		}
		Map<String, String> valid = Map.copyOf(this.workload.validUsers());
		List<String> lost = new ArrayList<>();
		List<String> doubled = new ArrayList<>();
		for (Map.Entry<String, String> event : valid.entrySet()) {
			List<String> ids = idsByUser.getOrDefault(event.getValue(), List.of());
			if (ids.isEmpty()) {
				lost.add(event.getKey());
			}
			else if (ids.size() > 1) {
				doubled.add(event.getKey());
				this.findings.violate("every valid event exactly one row",
						"event " + event.getKey() + " (user_id " + event.getValue() + ") is " + ids.size() + " rows, of message ids " + ids,
						ids);
			}
			else if (!ids.get(0).equals(event.getKey())) {
				this.findings.violate("every valid event exactly one row", "event " + event.getKey() + " (user_id "
						+ event.getValue() + ") is a row under another message id, " + ids.get(0), List.of(event.getKey(), ids.get(0)));
			}
		}
		if (!lost.isEmpty()) {
			this.findings.violate("every valid event exactly one row", lost.size() + " valid events have no row", lost);
		}
		List<String> strangers = new ArrayList<>();
		java.util.Set<String> users = new java.util.HashSet<>(valid.values());
		idsByUser.forEach((user, ids) -> {
			if (!users.contains(user)) {
				strangers.addAll(ids);
			}
		});
		if (!strangers.isEmpty()) {
			this.findings.violate("no row but those of valid events", strangers.size() + " rows of no valid event sent", strangers);
		}
		this.figures.put("valid events sent", valid.size());
		this.figures.put("rows", rows);
		this.figures.put("valid events lost (no row)", lost.size());
		this.figures.put("valid events doubled (more than one row)", doubled.size());
	}

	/**
	 * Takes the dead letters until the queues are settled (or the deadline passes) and checks them:
	 * each invalid message dead-lettered with its reason and its own body, each at most once (copies
	 * are counted apart: README allows them after a crash or an SQS outage between the dead-letter
	 * send and the delete), and no dead letter of a valid event or of a message never sent.
	 */
	void checkDeadLetters(long deadlineNanos) {
		Map<String, String> reasons = Map.copyOf(this.workload.invalidReasons());
		Map<String, String> bodies = Map.copyOf(this.workload.invalidBodies());
		Map<String, String> valid = Map.copyOf(this.workload.validUsers());
		Map<String, List<Message>> bySource = new HashMap<>();
		long quietSince = System.nanoTime();
		boolean settled = false;
		while (System.nanoTime() < deadlineNanos) {
			List<Message> taken = new ArrayList<>();
			List<Message> batch;
			do {
				batch = this.queues.takeDeadLetterBatch();
				taken.addAll(batch);
			}
			while (!batch.isEmpty());
			for (Message dead : taken) {
				var source = dead.messageAttributes().get("source_message_id");
				bySource.computeIfAbsent(source == null ? "(none)" : source.stringValue(), (id) -> new ArrayList<>()).add(dead);
			}
			if (!taken.isEmpty() || this.queues.sourceDepth() > 0 || !bySource.keySet().containsAll(reasons.keySet())) {
				quietSince = System.nanoTime();
			}
			else if (System.nanoTime() - quietSince >= SETTLED.toNanos()) {
				settled = true;
				break;
			}
		}
		if (!settled) {
			Report.say("dead letters: not settled before the deadline; checking what was taken");
		}
		List<String> missing = new ArrayList<>();
		int total = 0;
		for (Map.Entry<String, List<Message>> entry : bySource.entrySet()) {
			total += entry.getValue().size();
		}
		for (String id : reasons.keySet()) {
			List<Message> letters = bySource.getOrDefault(id, List.of());
			if (letters.isEmpty()) {
				missing.add(id);
				continue;
			}
			if (letters.size() > 1) {
				this.copies.put(id, letters.size());
			}
			for (Message dead : letters) {
				var reason = dead.messageAttributes().get("reason");
				String given = (reason == null) ? null : reason.stringValue();
				if (!reasons.get(id).equals(given)) {
					this.findings.violate("every invalid event dead-lettered with its reason",
							"dead letter " + dead.messageId() + " of " + id + " has reason " + given + ", not " + reasons.get(id),
							List.of(id, dead.messageId()));
				}
				try {
					String body = DeadLetterBodies.open(this.seal, dead);
					if (!body.equals(bodies.get(id))) {
						this.findings.violate("every invalid event dead-lettered with its body",
								"dead letter " + dead.messageId() + " of " + id + " opens to another body", List.of(id, dead.messageId()));
					}
				}
				catch (AssertionError ex) {
					this.findings.violate("every invalid event dead-lettered with its body", ex.getMessage(),
							List.of(id, dead.messageId()));
				}
			}
		}
		if (!missing.isEmpty()) {
			this.findings.violate("every invalid event exactly one dead letter", missing.size() + " invalid messages were never dead-lettered",
					missing);
		}
		List<String> validDeadLettered = new ArrayList<>();
		List<String> unknown = new ArrayList<>();
		bySource.forEach((id, letters) -> {
			if (valid.containsKey(id)) {
				validDeadLettered.add(id);
				this.findings.violate("nothing valid dead-lettered", "valid event " + id + " was dead-lettered "
						+ letters.size() + " time(s), reason " + letters.get(0).messageAttributes().get("reason").stringValue(),
						List.of(id));
			}
			else if (!reasons.containsKey(id)) {
				unknown.add(id);
			}
		});
		if (!unknown.isEmpty()) {
			this.findings.violate("no dead letter but those of invalid events", unknown.size() + " dead letters of messages never sent",
					unknown);
		}
		this.figures.put("invalid messages sent", reasons.size());
		this.figures.put("dead letters", total);
		this.figures.put("invalid messages never dead-lettered", missing.size());
		this.figures.put("invalid messages dead-lettered more than once (copies)", this.copies.size());
		this.figures.put("valid events dead-lettered", validDeadLettered.size());
	}

	/** No raw ip or device_id of the producer's in any of these files. */
	void checkLogsForPii(List<Path> logs) {
		long bytes = 0;
		for (Path log : logs) {
			try {
				String text = Files.readString(log);
				bytes += text.length();
				Matcher matcher = RAW_PII.matcher(text);
				if (matcher.find()) {
					int lineStart = text.lastIndexOf('\n', matcher.start()) + 1;
					long line = text.substring(0, lineStart).chars().filter((c) -> c == '\n').count() + 1;
					long hits = RAW_PII.matcher(text).results().count();
					this.findings.violate("no raw ip or device_id in any log", log.getFileName() + " holds " + hits
							+ " raw values; the first on line " + line, List.of(log.getFileName().toString()));
				}
			}
			catch (IOException ex) {
				this.findings.violate("no raw ip or device_id in any log", "could not read " + log + ": " + ex, List.of());
			}
		}
		this.figures.put("log files searched for raw ip and device_id", logs.size() + " (" + bytes / 1024 + " KiB)");
	}

	private long rowCount() throws SQLException {
		try (Connection connection = connect(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT count(*) FROM user_logins")) {
			result.next();
			return result.getLong(1);
		}
	}

	private Connection connect() throws SQLException {
		return DriverManager.getConnection(this.admin.url(), this.admin.username(), this.admin.password());
	}

}
