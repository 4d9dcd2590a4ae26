package com.loginetl.faults;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;

import com.loginetl.support.JdbcTarget;
import com.loginetl.support.Workload;

/**
 * Rows a test inserts in an open transaction of its own, with a message's id and date, so that
 * the service's insert of that message waits on the key {@code (sqs_message_id, create_date)}.
 */
final class Placeholders {

	private Placeholders() {
	}

	/** One valid message of a workload, with the UTC date of its {@code SentTimestamp}, the row's {@code create_date}. */
	record Sent(String messageId, LocalDate date) {
	}

	/**
	 * Sends one valid message and returns it with its date. ElasticMQ runs in this JVM and stamps a
	 * message with this clock as it takes it, so a send that began and ended on the same UTC date
	 * has that date; one sent across UTC midnight stays in the workload as any other message, and
	 * another is sent.
	 */
	static Sent sendOne(Workload workload) {
		while (true) {
			Set<String> known = workload.validIds();
			LocalDate before = LocalDate.now(ZoneOffset.UTC);
			workload.send(1, 0);
			LocalDate after = LocalDate.now(ZoneOffset.UTC);
			Set<String> added = new HashSet<>(workload.validIds());
			added.removeAll(known);
			if (before.equals(after)) {
				return new Sent(added.iterator().next(), before);
			}
		}
	}

	/** An open transaction that has inserted a row with the message's id and date. */
	static Connection hold(JdbcTarget database, Sent message) throws SQLException {
		Connection connection = DriverManager.getConnection(database.url(), database.username(), database.password());
		hold(connection, message);
		return connection;
	}

	/** Inserts the message's row in a transaction left open on {@code connection}. */
	static void hold(Connection connection, Sent message) throws SQLException {
		connection.setAutoCommit(false);
		try (PreparedStatement insert = connection.prepareStatement(
				"INSERT INTO user_logins (sqs_message_id, user_id, create_date) VALUES (?, 'placeholder', ?)")) {
			insert.setString(1, message.messageId());
			insert.setObject(2, message.date());
			insert.executeUpdate();
		}
	}

}
