package com.loginetl.faults;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import com.loginetl.support.JdbcTarget;
import com.loginetl.support.Scenario;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.TestQueues;
import com.loginetl.support.Workload;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A batch that takes longer than the visibility timeout (here: the table is locked for 25 s after
 * the batches were received, visibility is 8 s, so more than three timeouts) is kept invisible
 * while it works, so SQS never hands its messages to another poller: while the lock is held every
 * message is in flight and none waits or is received again, no row is written before the lock is
 * released, the batches' time covers the hold, and each message is received once.
 * <p>
 * The margins are wide for a loaded 2-core machine: the visibility is extended every third of
 * 8 s, so an extension may come more than 5 s late before a message would show again. The lock
 * wait is a slow database here, not a stuck row: the session limits are raised above the hold
 * (the default lock timeout, 20 s, would end it as a locked row), and the hold stays well under
 * the longest processing time (3 min).
 */
class SlowDatabaseIT {

	private static final Duration VISIBILITY = Duration.ofSeconds(8);

	private static final Duration HOLD = Duration.ofSeconds(25);

	private static final int MESSAGES = 30;

	@Test
	void aBatchSlowerThanTheVisibilityTimeoutIsNotProcessedTwice() throws Exception {
		// The queue's own visibility timeout is the one the service asks for, so that a receive that
		// fell back on the queue's (30 s by default) would not hide the messages through the hold:
		// only the service's extensions can.
		Scenario scenario = Scenario.create("slow-db",
				Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, Long.toString(VISIBILITY.toSeconds())));
		scenario.environment().put("LOGINS_LISTENER_VISIBILITY_TIMEOUT", VISIBILITY.toSeconds() + "s");
		scenario.environment().put("LOGINS_DATABASE_LOCK_TIMEOUT", "40s");
		scenario.environment().put("LOGINS_DATABASE_STATEMENT_TIMEOUT", "50s");
		scenario.environment().put("LOGINS_DATABASE_SOCKET_TIMEOUT", "60s");
		JdbcTarget database = scenario.database();
		TestQueues queues = scenario.queues();
		Workload workload = scenario.workload();

		try (ServiceProcess service = scenario.startService()) {
			double batchesBefore = service.counter("logins_batch_seconds_count");
			try (Connection lock = DriverManager.getConnection(database.url(), database.username(), database.password());
					Statement statement = lock.createStatement()) {
				lock.setAutoCommit(false);
				statement.execute("LOCK TABLE user_logins IN ACCESS EXCLUSIVE MODE");
				workload.send(MESSAGES, 0);
				await().atMost(Duration.ofSeconds(30))
					.until(() -> service.counter("logins_received_total") == MESSAGES);
				// More than three visibility timeouts from the receive: without the extensions every
				// message would have been visible again, and received again, by now.
				Thread.sleep(HOLD.toMillis());

				assertThat(queues.inFlight()).as("messages in flight after the hold").isEqualTo(MESSAGES);
				assertThat(queues.waiting()).as("messages visible again after the hold").isZero();
				assertThat(service.counter("logins_received_total")).as("receives during the hold").isEqualTo(MESSAGES);
				try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM user_logins")) {
					rows.next();
					assertThat(rows.getLong(1)).as("rows before the lock is released").isZero();
				}
				assertThat(service.counter("logins_batch_seconds_count")).as("batches stored during the hold")
					.isEqualTo(batchesBefore);
				lock.commit();
			}
			workload.assertEveryValidMessageIsExactlyOneRow(Duration.ofSeconds(30));
			assertThat(service.counter("logins_batch_seconds_max")).as("longest batch, in seconds")
				.isGreaterThanOrEqualTo(HOLD.toSeconds());
			assertThat(service.counter("logins_received_total")).as("receives").isEqualTo(MESSAGES);
			assertThat(service.counter("logins_duplicates_total")).isZero();
			await().atMost(Duration.ofSeconds(10)).until(() -> queues.sourceDepth() == 0);
		}
	}

}
