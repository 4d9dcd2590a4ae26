package com.loginetl.ops;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.loginetl.masking.Keysets;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.TestPostgres;
import com.loginetl.support.TestQueues;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Ctrl-C (SIGINT) on the packaged service, idle in its long poll: it says at once that it is
 * stopping and how long batches in flight may take, and exits as after SIGTERM, with status 0.
 * Without the handler the JVM said nothing until the poll ended and exited with 130.
 */
class StopOnInterruptIT {

	private static final String STOPPING = "Stopping (SIGINT): finishing batches in flight, up to 20 s";

	@Test
	void sigintSaysAtOnceThatItStopsAndExitsZero() {
		TestQueues queues = TestQueues.create("sigint-" + UUID.randomUUID(), Map.of());
		Map<String, String> environment = ServiceProcess.environment(queues, TestPostgres.instance().newDatabase(),
				Keysets.generate());
		environment.put("LOGINS_SQS_TIMEOUT", "30s");
		environment.put("LOGINS_LISTENER_SHUTDOWN_TIMEOUT", "20s");

		try (ServiceProcess service = ServiceProcess.start(environment)) {
			service.awaitReady(Duration.ofMinutes(3));
			service.interrupt();
			await().atMost(Duration.ofSeconds(1))
				.pollInterval(Duration.ofMillis(20))
				.untilAsserted(() -> assertThat(service.output()).as("output in %s", service.log()).contains(STOPPING));

			assertThat(service.awaitExit(Duration.ofSeconds(40))).as("exit status; output in %s", service.log())
				.isZero();
			assertThat(service.output()).as("output in %s", service.log())
				.containsOnlyOnce("Stopping (SIG")
				.doesNotContain("\tat ");
		}
	}

}
