package com.loginetl.faults;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import com.loginetl.support.JdbcTarget;
import com.loginetl.support.ProxiedDatabase;
import com.loginetl.support.Scenario;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.ServiceStarts;
import com.loginetl.support.Workload;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * A session of the service left in an open transaction, its client gone silent, is ended by the
 * server after {@code logins.database.idle-in-transaction-timeout}, and its row locks with it.
 * <p>
 * The test places the service's session there: an open transaction of the test holds the row of
 * one message, so that the service's insert of it waits; the relay to the database then goes
 * silent and the test rolls back, so the insert goes through on the server but neither its answer
 * nor the commit after it travels. The service's session is then idle in a transaction that holds
 * the message's row, which no other session can lock, until the server ends it: no sooner than
 * the timeout (4 s here), and within a margin for a loaded machine. The service's own limits on
 * waiting (socket timeout 50 s) are longer than the test, so only the server can end the session.
 * Once the relay passes again the message is written once.
 */
class IdleTransactionIT {

	private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(4);

	private static final Duration MARGIN = Duration.ofSeconds(10);

	@Test
	void aSessionLeftInAnOpenTransactionIsEndedByTheServerAndItsRowLocksReleased() throws Exception {
		Scenario scenario = Scenario.create("idle-in-transaction");
		scenario.environment().put("LOGINS_DATABASE_IDLE_IN_TRANSACTION_TIMEOUT", IDLE_TIMEOUT.toSeconds() + "s");
		scenario.environment().put("LOGINS_DATABASE_LOCK_TIMEOUT", "30s");
		scenario.environment().put("LOGINS_DATABASE_STATEMENT_TIMEOUT", "40s");
		scenario.environment().put("LOGINS_DATABASE_SOCKET_TIMEOUT", "50s");
		JdbcTarget target = scenario.database();
		target.migrate();
		Workload workload = scenario.workload();
		Placeholders.Sent message = Placeholders.sendOne(workload);

		try (ProxiedDatabase database = ProxiedDatabase.in(scenario);
				Connection holder = Placeholders.hold(target, message);
				Connection observer = connect(target);
				ServiceProcess service = ServiceStarts.startAndAwaitReady(scenario)) {
			int session = await().atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofMillis(100))
				.until(() -> waitingOn(observer, holder), (pid) -> pid > 0);

			database.proxy().blackHole();
			holder.rollback();
			await().atMost(Duration.ofSeconds(10))
				.pollInterval(Duration.ofMillis(50))
				.until(() -> "idle in transaction".equals(state(observer, session)));
			long idleSince = System.nanoTime();
			SQLException locked = catchThrowableOfType(SQLException.class, () -> lockRow(target, message));
			assertThat((locked != null) ? locked.getSQLState() : "no failure")
				.as("SQLSTATE of locking the row the service's idle session inserted")
				.isEqualTo("55P03");

			await().atMost(IDLE_TIMEOUT.plus(MARGIN).plusSeconds(10))
				.pollInterval(Duration.ofMillis(100))
				.until(() -> state(observer, session) == null);
			Duration ended = Duration.ofNanos(System.nanoTime() - idleSince);
			assertThat(ended).as("time from the session going idle in its transaction to its end")
				.isGreaterThanOrEqualTo(IDLE_TIMEOUT.minusSeconds(1))
				.isLessThanOrEqualTo(IDLE_TIMEOUT.plus(MARGIN));
			lockRow(target, message);

			database.proxy().restore();
			workload.assertEveryValidMessageIsExactlyOneRow(Duration.ofSeconds(90));
		}
	}

	/** The session waiting on a lock that {@code transaction}'s session holds, or 0. */
	private static int waitingOn(Connection observer, Connection transaction) throws SQLException {
		int pid = transaction.unwrap(org.postgresql.PGConnection.class).getBackendPID();
		try (PreparedStatement query = observer
			.prepareStatement("SELECT pid FROM pg_stat_activity WHERE ? = ANY (pg_blocking_pids(pid))")) {
			query.setInt(1, pid);
			try (ResultSet result = query.executeQuery()) {
				return result.next() ? result.getInt(1) : 0;
			}
		}
	}

	/** A session's state in {@code pg_stat_activity}, or null once it has ended. */
	private static String state(Connection observer, int pid) throws SQLException {
		try (PreparedStatement query = observer.prepareStatement("SELECT state FROM pg_stat_activity WHERE pid = ?")) {
			query.setInt(1, pid);
			try (ResultSet result = query.executeQuery()) {
				return result.next() ? result.getString(1) : null;
			}
		}
	}

	/** Inserts the message's row in a transaction that waits at most 0.5 s for a lock, then rolls it back. */
	private static void lockRow(JdbcTarget target, Placeholders.Sent message) throws SQLException {
		try (Connection connection = connect(target); Statement statement = connection.createStatement()) {
			statement.execute("SET lock_timeout = '500ms'");
			Placeholders.hold(connection, message);
			connection.rollback();
		}
	}

	private static Connection connect(JdbcTarget target) throws SQLException {
		return DriverManager.getConnection(target.url(), target.username(), target.password());
	}

}
