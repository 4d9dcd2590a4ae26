package com.loginetl.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.loginetl.support.Scenario;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.TestQueues;
import com.loginetl.support.Workload;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SIGTERM in the middle of a stream (a pod being stopped): the service reports not ready, stops
 * polling, finishes and deletes the batches it holds, and exits 0 within its shutdown timeout,
 * holding no message.
 */
class GracefulStopIT {

	@Test
	void sigtermFinishesTheBatchesInFlightAndExitsZeroHoldingNothing() throws Exception {
		Scenario scenario = Scenario.create("sigterm");
		Workload workload = scenario.workload();
		TestQueues queues = scenario.queues();
		workload.send(1_500, 15);
		// Long enough that a message left in flight would still be invisible when the test looks.
		scenario.environment().put("LOGINS_LISTENER_VISIBILITY_TIMEOUT", "60s");
		scenario.environment().put("LOGINS_LISTENER_SHUTDOWN_TIMEOUT", "20s");
		// The start-up check of the dead-letter queue must not time out on a heavily loaded machine
		// (it was seen to, at the default 5 s, with a load average of 30 on two cores).
		scenario.environment().put("LOGINS_SQS_TIMEOUT", "30s");

		try (ServiceProcess service = scenario.startService()) {
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> workload.rows() >= 500);
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
