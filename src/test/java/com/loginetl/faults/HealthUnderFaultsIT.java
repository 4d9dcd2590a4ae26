package com.loginetl.faults;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import com.loginetl.support.JdbcTarget;
import com.loginetl.support.ProxiedDatabase;
import com.loginetl.support.Scenario;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.ServiceStarts;
import com.loginetl.support.TcpProxy;
import com.loginetl.support.TestQueues;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Liveness and readiness answer within a second (p99 of 100 requests each) in every fault state of
 * docs/failure-behaviour.md's failure table: database unreachable (connections refused) or silent (black hole), SQS
 * unreachable or silent, dead-letter queue missing, a slow database (the table locked). Each state
 * is first seen to be in effect (readiness DOWN, or a session of the service waiting on the lock,
 * before and after the timing), then timed.
 */
class HealthUnderFaultsIT {

	private static final int REQUESTS = 100;

	private static final Duration P99_LIMIT = Duration.ofSeconds(1);

	@Test
	void healthAnswersAtOnceInEveryFaultState() throws Exception {
		Scenario scenario = Scenario.create("health-faults");
		// A batch must go on waiting on the locked table for the whole timing, not give up its rows
		// after the default lock timeout (20 s).
		scenario.environment().put("LOGINS_DATABASE_LOCK_TIMEOUT", "60s");
		scenario.environment().put("LOGINS_DATABASE_STATEMENT_TIMEOUT", "70s");
		scenario.environment().put("LOGINS_DATABASE_SOCKET_TIMEOUT", "80s");
		TestQueues queues = scenario.queues();
		JdbcTarget target = scenario.database();
		try (ProxiedDatabase database = ProxiedDatabase.in(scenario);
				TcpProxy sqs = scenario.sqsThroughProxy()) {
			try (ServiceProcess service = ServiceStarts.startAndAwaitReady(scenario)) {
				assertAnswersAtOnce(service, "healthy", 200);

				database.proxy().cut();
				assertAnswersAtOnce(service, "database unreachable", 503);
				database.proxy().restore();
				awaitReadiness(service, 200);

				database.proxy().blackHole();
				assertAnswersAtOnce(service, "database silent", 503);
				database.proxy().restore();
				awaitReadiness(service, 200);

				sqs.cut();
				assertAnswersAtOnce(service, "SQS unreachable", 503);
				sqs.restore();
				awaitReadiness(service, 200);

				sqs.blackHole();
				assertAnswersAtOnce(service, "SQS silent", 503);
				sqs.restore();
				awaitReadiness(service, 200);

				String deadLetterQueue = queues.deadLetterQueueUrl();
				queues.sqs().client().deleteQueue((request) -> request.queueUrl(deadLetterQueue));
				assertAnswersAtOnce(service, "dead-letter queue missing", 503);
				queues.sqs().createQueue(deadLetterQueue.substring(deadLetterQueue.lastIndexOf('/') + 1));
				awaitReadiness(service, 200);

				try (Connection lock = DriverManager.getConnection(target.url(), target.username(), target.password());
						Connection observer = DriverManager.getConnection(target.url(), target.username(),
								target.password());
						Statement statement = lock.createStatement()) {
					lock.setAutoCommit(false);
					statement.execute("LOCK TABLE user_logins IN ACCESS EXCLUSIVE MODE");
					queues.sendAll(Collections.nCopies(20, "{\"user_id\": \"slow\"}"));
					// In effect once a session of the service waits on the lock, and for as long as
					// the timing lasts: the service holds a batch stuck in the database throughout.
					await().atMost(Duration.ofSeconds(20)).until(() -> waitingOn(observer, lock) > 0);
					assertAnswersAtOnce(service, "slow database", 200);
					assertThat(waitingOn(observer, lock)).as("sessions of the service waiting on the lock after the timing")
						.isPositive();
					lock.rollback();
				}
			}
		}
	}

	/** Readiness is first seen to answer {@code readiness}; then both probes are timed. */
	private static void assertAnswersAtOnce(ServiceProcess service, String state, int readiness) throws IOException {
		awaitReadiness(service, readiness);
		List<Duration> readinessTimes = new ArrayList<>();
		List<Duration> livenessTimes = new ArrayList<>();
		for (int i = 0; i < REQUESTS; i++) {
			readinessTimes.add(timed(service, "/actuator/health/readiness", readiness, state));
			livenessTimes.add(timed(service, "/actuator/health/liveness", 200, state));
		}
		System.out.printf("Health answers, %s: readiness p99 %d ms, liveness p99 %d ms%n", state,
				p99(readinessTimes).toMillis(), p99(livenessTimes).toMillis());
		assertThat(p99(readinessTimes)).as("p99 of readiness answers, %s", state).isLessThan(P99_LIMIT);
		assertThat(p99(livenessTimes)).as("p99 of liveness answers, %s", state).isLessThan(P99_LIMIT);
	}

	private static Duration timed(ServiceProcess service, String path, int expected, String state) throws IOException {
		long started = System.nanoTime();
		int status = service.get(path).statusCode();
		Duration took = Duration.ofNanos(System.nanoTime() - started);
		assertThat(status).as("%s during %s", path, state).isEqualTo(expected);
		return took;
	}

	private static void awaitReadiness(ServiceProcess service, int status) {
		await().atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> service.status("/actuator/health/readiness") == status);
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

	private static Duration p99(List<Duration> times) {
		List<Duration> sorted = new ArrayList<>(times);
		Collections.sort(sorted);
		return sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
	}

}
