package com.loginetl.faults;

import java.time.Duration;
import java.util.Optional;

import com.loginetl.support.ProxiedDatabase;
import com.loginetl.support.Scenario;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.ServiceStarts;
import com.loginetl.support.TcpProxy;
import com.loginetl.support.Workload;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service's database connections go silent in the middle of commits under load: the relay
 * stops passing anything on every open connection and on new ones (no data, no close, no reset),
 * as a partition or a failover without resets does. Without a socket timeout the batch in flight
 * would hang inside a JDBC call for good, its visibility extended until the longest processing
 * time and its thread never back.
 * <p>
 * One batch at a time ({@code max-concurrent-messages} 10), so that a thread stuck for good would
 * stop all consumption. The pool's own wait (12 s) is longer than the socket timeout (8 s), so the
 * first failed batch, and with it the outage line, can only come from the socket timeout: it must
 * come no sooner than 8 s after the silence began and within a margin for a loaded machine. The
 * batch is given up after the longest processing time (4 s, below the socket timeout, so that this
 * bound is seen to act too). Then the relay forwards new connections again but keeps the silenced
 * ones silent and open: rows flowing again before those are reset shows that the service freed
 * itself of them, not that the relay healed them. A session the server keeps open in a
 * transaction whose commit never reached it is ended by the idle-in-transaction timeout (5 s), so
 * its row locks do not stop the redelivered rows.
 */
class DatabaseBlackHoleIT {

	private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(8);

	/** Slack for a loaded 2-core machine between the socket timeout firing and the outage line being read. */
	private static final Duration MARGIN = Duration.ofSeconds(10);

	@Test
	void silentConnectionsAreGivenUpWithinTheirBoundsAndEveryMessageIsOneRow() throws Exception {
		Scenario scenario = Scenario.create("db-black-hole");
		Workload workload = scenario.workload();
		workload.send(300, 10);
		scenario.environment().put("LOGINS_LISTENER_MAX_CONCURRENT_MESSAGES", "10");
		scenario.environment().put("LOGINS_DATABASE_RETRY_MAX_INTERVAL", "4s");
		scenario.environment().put("LOGINS_DATABASE_CONNECT_TIMEOUT", "2s");
		scenario.environment().put("LOGINS_DATABASE_LOGIN_TIMEOUT", "3s");
		scenario.environment().put("LOGINS_DATABASE_SOCKET_TIMEOUT", SOCKET_TIMEOUT.toSeconds() + "s");
		scenario.environment().put("LOGINS_DATABASE_STATEMENT_TIMEOUT", "5s");
		scenario.environment().put("LOGINS_DATABASE_LOCK_TIMEOUT", "2s");
		scenario.environment().put("LOGINS_DATABASE_IDLE_IN_TRANSACTION_TIMEOUT", "5s");
		scenario.environment().put("LOGINS_LISTENER_MAX_PROCESSING_TIME", "4s");
		scenario.environment().put("SPRING_DATASOURCE_HIKARI_CONNECTIONTIMEOUT", "12000");

		try (ProxiedDatabase database = ProxiedDatabase.in(scenario);
				ServiceProcess service = ServiceStarts.startAndAwaitReady(scenario)) {
			TcpProxy relay = database.proxy();
			Workload.SteadySender producer = workload.sendSteadily(50);
			await().atMost(Duration.ofSeconds(60)).until(() -> workload.rows() >= 300);
			double givenUpBefore = service.counter("logins_batches_given_up_total");
			int linesBefore = service.output().lines().toList().size();

			relay.blackHole();
			long silentAt = System.nanoTime();
			String outage = await().atMost(SOCKET_TIMEOUT.plus(MARGIN).plusSeconds(20))
				.pollInterval(Duration.ofMillis(100))
				.until(() -> outageLine(service, linesBefore), Optional::isPresent)
				.orElseThrow();
			Duration detected = Duration.ofNanos(System.nanoTime() - silentAt);
			System.out.printf("black hole: outage logged %d ms after the silence began: %s%n", detected.toMillis(), outage);
			// The socket timeout names itself, unless it was the commit that timed out: then Spring
			// keeps only the failed rollback after it (on a connection the pool has closed), without
			// an SQLSTATE; the time above tells the socket timeout from the pool's and login's limits.
			assertThat(outage).as("the outage line")
				.containsPattern("Database unavailable \\(([A-Za-z]+Exception, SQLSTATE 08006, cause SocketTimeoutException;"
						+ "|TransactionSystemException, cause SQLException\\))");
			assertThat(detected).as("time from the silence to the outage line")
				.isGreaterThanOrEqualTo(SOCKET_TIMEOUT.minusSeconds(1))
				.isLessThanOrEqualTo(SOCKET_TIMEOUT.plus(MARGIN));
			await().atMost(Duration.ofSeconds(20)).until(() -> service.status("/actuator/health/readiness") == 503);
			assertThat(service.get("/actuator/health/readiness").body()).contains("\"ingest\"", "database unavailable");
			assertThat(service.status("/actuator/health/liveness")).isEqualTo(200);
			assertThat(service.counter("logins_batches_given_up_total") - givenUpBefore)
				.as("batches given up after the longest processing time during the silence")
				.isGreaterThanOrEqualTo(1);
			assertThat(service.counter("logins_store_failures_total")).isPositive();

			relay.forwardNewConnections();
			long rowsAtHeal = workload.rows();
			await().atMost(Duration.ofSeconds(60)).until(() -> workload.rows() >= rowsAtHeal + 200);
			assertThat(relay.silencedSockets()).as("silenced sockets still held, never closed by the relay")
				.isPositive();
			await().atMost(Duration.ofSeconds(30)).until(() -> service.status("/actuator/health/readiness") == 200);
			relay.restore();

			producer.stop();
			workload.assertEveryValidMessageIsExactlyOneRow(Duration.ofSeconds(90));
			// A batch given up before its thread failed can come back to a second poller meanwhile,
			// and its rejected messages be dead-lettered by both: the doubling docs/failure-behaviour.md allows.
			workload.assertEveryInvalidMessageIsDeadLetteredAtLeastOnce(Duration.ofSeconds(60));
			assertThat(service.output()).contains("Gave up a batch of", "(logins.listener.max-processing-time)");
		}
	}

	/** The first "Database unavailable" line written after the first {@code skip} lines. */
	private static Optional<String> outageLine(ServiceProcess service, int skip) {
		return service.output().lines().skip(skip).filter((line) -> line.contains("Database unavailable (")).findFirst();
	}

}
