package com.loginetl.faults;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

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
 * after their visibility timeout, and those whose rows were already committed are skipped. A
 * rejected message may reach the dead-letter queue twice, always with the same reason.
 * <p>
 * A kill at a random moment rarely lands in the few milliseconds between a batch's commit and its
 * delete, so the second kill is placed there on purpose: the table is locked until batches are
 * waiting on it, the service's connection to SQS is cut (through a relay) so that no delete can
 * reach the queue, and the lock is released so that those batches commit. The kill then finds
 * rows committed whose messages are still on the queue, and the restarted service must skip
 * exactly those as duplicates.
 */
class CrashAndRestartIT {

	@Test
	void afterAKillAndARestartEveryValidMessageIsExactlyOneRow() throws Exception {
		Scenario scenario = Scenario.create("crash");
		JdbcTarget database = scenario.database();
		Workload workload = scenario.workload();
		workload.send(4_000, 40);

		try (TcpProxy sqs = TcpProxy.to(scenario.queues().sqs().endpoint().getPort())) {
			scenario.environment().put("SPRING_CLOUD_AWS_SQS_ENDPOINT", "http://127.0.0.1:" + sqs.port());

			// 1. a kill at whatever moment the stream is in
			try (ServiceProcess first = scenario.startService()) {
				await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> workload.rows() >= 800);
				first.kill();
			}
			long rowsAfterFirstKill = workload.rows();
			assertThat(rowsAfterFirstKill).as("rows when killed").isLessThan(workload.validCount());

			// 2. a kill after commits whose deletes never reached the queue
			long committedNotDeleted;
			try (ServiceProcess second = scenario.startService()) {
				await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
					.until(() -> workload.rows() >= rowsAfterFirstKill + 400);
				try (Connection lock = DriverManager.getConnection(database.url(), database.username(),
						database.password()); Statement statement = lock.createStatement()) {
					lock.setAutoCommit(false);
					statement.execute("LOCK TABLE user_logins IN ACCESS EXCLUSIVE MODE");
					await().atMost(Duration.ofSeconds(30)).until(() -> batchesWaitingOnTheLock(statement) > 0);
					sqs.cut();
					long rowsBeforeRelease = count(statement);
					lock.commit();
					await().atMost(Duration.ofSeconds(30)).until(() -> workload.rows() > rowsBeforeRelease);
					long settled = awaitRowsSettled(workload);
					committedNotDeleted = settled - rowsBeforeRelease;
				}
				second.kill();
			}
			assertThat(committedNotDeleted).as("rows committed whose messages were not deleted").isPositive();
			assertThat(workload.rows()).as("rows when killed").isLessThan(workload.validCount());
			sqs.restore();

			try (ServiceProcess third = scenario.startService()) {
				workload.assertEveryValidMessageIsExactlyOneRow(Duration.ofSeconds(90));
				workload.assertEveryInvalidMessageIsDeadLetteredAtLeastOnce(Duration.ofSeconds(60));
				assertThat(scenario.queues().sourceDepth()).isZero();
				assertThat(third.counter("logins_duplicates_total")).as("redelivered messages skipped after the restart")
					.isGreaterThanOrEqualTo(committedNotDeleted);
				assertThat(third.output()).contains("Skipped ").contains(" redelivered messages already stored");
			}
		}
	}

	private static long batchesWaitingOnTheLock(Statement statement) throws SQLException {
		try (ResultSet waiting = statement.executeQuery(
				"SELECT count(*) FROM pg_locks WHERE relation = 'user_logins'::regclass AND NOT granted")) {
			waiting.next();
			return waiting.getLong(1);
		}
	}

	private static long count(Statement statement) throws SQLException {
		try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM user_logins")) {
			rows.next();
			return rows.getLong(1);
		}
	}

	/** Waits until the row count stayed the same for two seconds (the released batches are all committed). */
	private static long awaitRowsSettled(Workload workload) {
		long[] last = { workload.rows() };
		long[] changedAt = { System.nanoTime() };
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
			long now = workload.rows();
			if (now != last[0]) {
				last[0] = now;
				changedAt[0] = System.nanoTime();
			}
			return System.nanoTime() - changedAt[0] >= Duration.ofSeconds(2).toNanos();
		});
		return last[0];
	}

}
