package com.loginetl.ops;

import java.time.Duration;

import com.loginetl.support.Scenario;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.Workload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Ctrl-C (SIGINT) on the packaged service, idle in its long poll: it says at once that it is
 * stopping and how long batches in flight may take, and exits as after SIGTERM, with status 0,
 * without waiting for the poll to end. Without the handler the JVM said nothing until the poll
 * ended and exited with 130; without the receives ending on close it exited only once the poll had
 * returned. Both SQS clients.
 */
class StopOnInterruptIT {

	private static final Logger log = LoggerFactory.getLogger(StopOnInterruptIT.class);

	private static final String STOPPING = "Stopping (SIGINT): finishing batches in flight, up to 20 s";

	/** The longest SQS allows, so that an exit that waited for the poll is unmistakable. */
	private static final Duration POLL_TIMEOUT = Duration.ofSeconds(20);

	/** Well before the poll that began just before the signal could answer. */
	private static final Duration EXIT_BOUND = Duration.ofSeconds(10);

	@ParameterizedTest(name = "logins.sqs-client={0}")
	@ValueSource(strings = { "sync", "async" })
	void sigintSaysAtOnceThatItStopsAndExitsZeroWithoutWaitingForTheLongPoll(String client) {
		Scenario scenario = Scenario.create("sigint-" + client);
		Workload workload = scenario.workload();
		scenario.environment().put("LOGINS_SQS_CLIENT", client);
		scenario.environment().put("LOGINS_SQS_TIMEOUT", "30s");
		scenario.environment().put("LOGINS_LISTENER_SHUTDOWN_TIMEOUT", "20s");
		scenario.environment().put("LOGINS_LISTENER_POLL_TIMEOUT", POLL_TIMEOUT.toSeconds() + "s");

		try (ServiceProcess service = scenario.startService()) {
			service.awaitReady(Duration.ofMinutes(3));
			// One message, and its row: the poll that brought it is followed by a new one, so at the
			// signal a long poll has just begun and would answer only POLL_TIMEOUT later.
			workload.send(1, 0);
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> workload.rows() == 1);
			long signalled = System.nanoTime();
			service.interrupt();
			await().atMost(Duration.ofSeconds(1))
				.pollInterval(Duration.ofMillis(20))
				.untilAsserted(() -> assertThat(service.output()).as("output in %s", service.log()).contains(STOPPING));

			assertThat(service.awaitExit(Duration.ofSeconds(40))).as("exit status; output in %s", service.log())
				.isZero();
			Duration toExit = Duration.ofNanos(System.nanoTime() - signalled);
			log.info("SIGINT to exit with logins.sqs-client={}: {} ms (poll timeout {} s)", client, toExit.toMillis(),
					POLL_TIMEOUT.toSeconds());
			assertThat(toExit).as("SIGINT to exit, with a long poll of %s just begun; output in %s", POLL_TIMEOUT,
					service.log())
				.isLessThan(EXIT_BOUND);
			assertThat(service.output()).as("output in %s", service.log())
				.containsOnlyOnce("Stopping (SIG")
				.doesNotContain("\tat ");
		}
		assertThat(scenario.queues().inFlight()).as("messages received and neither deleted nor handed back").isZero();
		assertThat(workload.rows()).isEqualTo(1);
	}

}
