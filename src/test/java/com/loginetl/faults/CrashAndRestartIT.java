package com.loginetl.faults;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import com.loginetl.support.JdbcTarget;
import com.loginetl.support.Scenario;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.TcpProxy;
import com.loginetl.support.Workload;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * kill -9 in the middle of a stream, then a restart: the batches that were in flight come back
 * after their visibility timeout; those whose rows were already committed are skipped, the others
 * written. A rejected message may reach the dead-letter queue twice, always with the same reason.
 * <p>
 * A kill at a random moment rarely lands in the few milliseconds between a batch's commit and its
 * delete, so the test places it: two valid messages, {@code held} and {@code released}, are
 * sent first, and two open transactions of the test insert their message ids, so that the
 * batch holding each waits on the unique index. Once both batches wait and the stream has made
 * progress around them, the service's connection to SQS is cut (through a relay), so no delete
 * can reach the queue any more; then one transaction rolls back, its batch commits, and the
 * service is killed. At the kill, the batch of
 * {@code released} is committed but not deleted and the batch of {@code held} neither committed
 * nor deleted: after the restart the first must be skipped as already stored, the second written.
 */
class CrashAndRestartIT {

	@Test
	void afterAKillAndARestartEveryValidMessageIsExactlyOneRow() throws Exception {
		Scenario scenario = Scenario.create("crash");
		JdbcTarget database = scenario.database();
		database.migrate();
		Workload workload = scenario.workload();
		// The two chosen messages go first, so that their batches are among the first received and
		// wait for seconds, not for the whole stream; 20 others between them keep them out of one
		// batch of 10.
		Placeholders.Sent released = Placeholders.sendOne(workload);
		workload.send(20, 0);
		Placeholders.Sent held = Placeholders.sendOne(workload);
		workload.send(978, 10);

		try (TcpProxy sqs = scenario.sqsThroughProxy();
				Connection releasing = Placeholders.hold(database, released);
				Connection holding = Placeholders.hold(database, held)) {
			// The batches must go on waiting on the placeholders until the test releases them, not
			// give the locked rows up after the default lock timeout (20 s).
			scenario.environment().put("LOGINS_DATABASE_LOCK_TIMEOUT", "5m");
			scenario.environment().put("LOGINS_DATABASE_STATEMENT_TIMEOUT", "6m");
			scenario.environment().put("LOGINS_DATABASE_SOCKET_TIMEOUT", "7m");
			try (ServiceProcess first = scenario.startService();
					Connection observer = connect(database)) {
				await().atMost(Duration.ofSeconds(180))
					.pollInterval(Duration.ofMillis(200))
					.until(() -> waitingOn(observer, releasing) > 0 && waitingOn(observer, holding) > 0
							&& workload.rows() >= 300);
				sqs.cut();
				releasing.rollback();
				await().atMost(Duration.ofSeconds(30)).until(() -> rowsOf(observer, released.messageId()) == 1);
				first.kill();
			}
			holding.rollback();
			try (Connection observer = connect(database)) {
				assertThat(rowsOf(observer, released.messageId())).as("rows of the released message when killed")
					.isEqualTo(1);
				assertThat(rowsOf(observer, held.messageId())).as("rows of the held message when killed").isZero();
			}
			sqs.restore();

			try (ServiceProcess second = scenario.startService()) {
				workload.assertEveryValidMessageIsExactlyOneRow(Duration.ofSeconds(120));
				workload.assertEveryInvalidMessageIsDeadLetteredAtLeastOnce(Duration.ofSeconds(60));
				assertThat(scenario.queues().sourceDepth()).isZero();
				assertThat(second.counter("logins_duplicates_total")).as("redelivered messages skipped after the restart")
					.isPositive();
				List<String> skipped = second.output()
					.lines()
					.filter((line) -> line.contains("redelivered messages already stored"))
					.toList();
				assertThat(skipped).as("log lines of skipped redeliveries")
					.anySatisfy((line) -> assertThat(line).contains(released.messageId()));
				assertThat(skipped).as("log lines of skipped redeliveries")
					.noneSatisfy((line) -> assertThat(line).contains(held.messageId()));
			}
		}
	}

	/** Sessions waiting on a lock that the session of {@code transaction} holds. */
	private static long waitingOn(Connection observer, Connection transaction) throws SQLException {
		int pid = transaction.unwrap(org.postgresql.PGConnection.class).getBackendPID();
		try (PreparedStatement query = observer
			.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE ? = ANY (pg_blocking_pids(pid))")) {
			query.setInt(1, pid);
			try (ResultSet result = query.executeQuery()) {
				result.next();
				return result.getLong(1);
			}
		}
	}

	private static long rowsOf(Connection observer, String messageId) throws SQLException {
		try (PreparedStatement query = observer.prepareStatement("SELECT count(*) FROM user_logins WHERE sqs_message_id = ?")) {
			query.setString(1, messageId);
			try (ResultSet result = query.executeQuery()) {
				result.next();
				return result.getLong(1);
			}
		}
	}

	private static Connection connect(JdbcTarget database) throws SQLException {
		return DriverManager.getConnection(database.url(), database.username(), database.password());
	}

}
