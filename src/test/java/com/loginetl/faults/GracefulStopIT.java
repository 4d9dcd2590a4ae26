package com.loginetl.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.loginetl.support.Scenario;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.TestQueues;
import com.loginetl.support.Workload;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SIGTERM in the middle of a stream (a pod being stopped): the service reports not ready, stops
 * polling, finishes and deletes the batches it holds, and exits 0 well before its long polls could
 * have answered, holding no message: none left in flight, none lost, no row doubled.
 */
class GracefulStopIT {

	private static final Logger log = LoggerFactory.getLogger(GracefulStopIT.class);

	/** The longest SQS allows, so that an exit that waited for a long poll is unmistakable. */
	private static final Duration POLL_TIMEOUT = Duration.ofSeconds(20);

	/** Well before a poll begun just before the signal could answer. */
	private static final Duration EXIT_BOUND = Duration.ofSeconds(10);

	@Test
	void sigtermFinishesTheBatchesInFlightAndExitsZeroHoldingNothing() throws Exception {
		Scenario scenario = Scenario.create("sigterm");
		Workload workload = scenario.workload();
		TestQueues queues = scenario.queues();
		workload.send(1_500, 15);
		// Long enough that a message left in flight would still be invisible when the test looks.
		scenario.environment().put("LOGINS_LISTENER_VISIBILITY_TIMEOUT", "60s");
		scenario.environment().put("LOGINS_LISTENER_SHUTDOWN_TIMEOUT", "20s");
		scenario.environment().put("LOGINS_LISTENER_POLL_TIMEOUT", POLL_TIMEOUT.toSeconds() + "s");
		// The start-up check of the dead-letter queue must not time out on a heavily loaded machine
		// (it was seen to, at the default 5 s, with a load average of 30 on two cores).
		scenario.environment().put("LOGINS_SQS_TIMEOUT", "30s");

		try (ServiceProcess service = scenario.startService()) {
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> workload.rows() >= 500);
			long signalled = System.nanoTime();
			service.terminate();
			// Readiness from the signal until the process is gone: DOWN while the batches finish.
			// (The first answers may still be 200: the signal takes a moment to reach the context.)
			List<Integer> readiness = new ArrayList<>();
			long deadline = System.nanoTime() + Duration.ofSeconds(35).toNanos();
			while (service.isAlive() && System.nanoTime() < deadline) {
				readiness.add(service.status("/actuator/health/readiness"));
				Thread.sleep(20);
			}
			assertThat(readiness).as("readiness answers between SIGTERM and exit (-1: no answer)").contains(503);

			assertThat(service.awaitExit(Duration.ofSeconds(35))).as("exit status").isZero();
			Duration toExit = Duration.ofNanos(System.nanoTime() - signalled);
			log.info("SIGTERM to exit mid-stream: {} ms (poll timeout {} s)", toExit.toMillis(), POLL_TIMEOUT.toSeconds());
			assertThat(toExit).as("SIGTERM to exit; output in %s", service.log()).isLessThan(EXIT_BOUND);
		}
		assertThat(queues.inFlight()).as("messages received and neither deleted nor returned").isZero();
		long rows = workload.rows();
		assertThat(rows).isLessThan(workload.validCount());
		int deadLettered = queues.depth(queues.deadLetterQueueUrl());
		assertThat(rows + deadLettered + queues.waiting()).as("rows + dead letters + waiting")
			.isEqualTo(workload.validCount() + workload.invalidCount());

		try (ServiceProcess again = scenario.startService()) {
			workload.assertEveryValidMessageIsExactlyOneRow(Duration.ofSeconds(90));
			workload.assertEveryInvalidMessageIsDeadLettered(Duration.ofSeconds(60));
		}
	}

}
