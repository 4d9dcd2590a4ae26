package com.loginetl.faults;

import java.time.Duration;

import com.loginetl.support.ProxiedDatabase;
import com.loginetl.support.Scenario;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.ServiceStarts;
import com.loginetl.support.Workload;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service's database connections go silent in the middle of commits under load: the relay
 * stops forwarding on every open connection (and on new ones) without closing any, as a
 * partition or a failover without resets does, and forwards again 20 seconds later. Without a
 * socket timeout the batches in flight would hang inside JDBC calls for good, their visibility
 * extended forever. Here the socket timeout (8 s) frees them, the outage gate closes as for a cut
 * connection, and the batches are given up after the longest processing time (4 s, set below the
 * socket timeout so that this bound is seen to act too).
 */
class DatabaseBlackHoleIT {

	@Test
	void silentConnectionsAreGivenUpWithinTheirBoundsAndEveryMessageIsOneRow() throws Exception {
		Scenario scenario = Scenario.create("db-black-hole");
		Workload workload = scenario.workload();
		workload.send(2_000, 20);
		scenario.environment().put("LOGINS_DATABASE_RETRY_MAX_INTERVAL", "4s");
		scenario.environment().put("LOGINS_DATABASE_CONNECT_TIMEOUT", "2s");
		scenario.environment().put("LOGINS_DATABASE_LOGIN_TIMEOUT", "3s");
		scenario.environment().put("LOGINS_DATABASE_SOCKET_TIMEOUT", "8s");
		scenario.environment().put("LOGINS_DATABASE_STATEMENT_TIMEOUT", "5s");
		scenario.environment().put("LOGINS_DATABASE_LOCK_TIMEOUT", "2s");
		scenario.environment().put("LOGINS_DATABASE_IDLE_IN_TRANSACTION_TIMEOUT", "5s");
		scenario.environment().put("LOGINS_LISTENER_MAX_PROCESSING_TIME", "4s");

		try (ProxiedDatabase database = ProxiedDatabase.in(scenario);
				ServiceProcess service = ServiceStarts.startAndAwaitReady(scenario)) {
			Workload.SteadySender producer = workload.sendSteadily(100);
			await().atMost(Duration.ofSeconds(30)).until(() -> workload.rows() >= 1_000);

			database.proxy().blackHole();
			long silentAt = System.nanoTime();
			await().atMost(Duration.ofSeconds(30)).until(() -> service.counter("logins_batches_given_up_total") >= 1);
			await().atMost(Duration.ofSeconds(30)).until(() -> service.counter("logins_store_failures_total") >= 1);
			Duration freed = Duration.ofNanos(System.nanoTime() - silentAt);
			assertThat(freed).as("time until a stuck batch failed").isLessThan(Duration.ofSeconds(30));
			await().atMost(Duration.ofSeconds(20)).until(() -> service.status("/actuator/health/readiness") == 503);
			assertThat(service.get("/actuator/health/readiness").body()).contains("\"ingest\"", "database unavailable");
			assertThat(service.status("/actuator/health/liveness")).isEqualTo(200);
			await().atMost(Duration.ofSeconds(30)).until(() -> Duration.ofNanos(System.nanoTime() - silentAt)
				.compareTo(Duration.ofSeconds(20)) >= 0);
			database.proxy().restore();

			await().atMost(Duration.ofSeconds(40)).until(() -> service.status("/actuator/health/readiness") == 200);
			Thread.sleep(3_000);
			producer.stop();
			Thread.sleep(1_500);
			workload.assertEveryValidMessageIsExactlyOneRow(Duration.ofSeconds(90));
			// A batch given up before its thread failed can come back to a second poller meanwhile,
			// and its rejected messages be dead-lettered by both: the doubling README allows.
			workload.assertEveryInvalidMessageIsDeadLetteredAtLeastOnce(Duration.ofSeconds(60));
			assertThat(service.output()).contains("Gave up a batch of", "(logins.listener.max-processing-time)")
				.containsPattern("Database unavailable \\([A-Za-z]+Exception");
		}
	}

}
