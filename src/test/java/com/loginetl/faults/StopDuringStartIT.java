package com.loginetl.faults;

import java.time.Duration;
import java.util.UUID;

import com.loginetl.support.Scenario;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.TcpProxy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SIGTERM while the service is still starting, held up by a service that has gone silent: it says
 * that it stops and exits 0 at once. The fault soak found a start held up by a silent database
 * that outlived its 45 s grace period: the JVM's own handling closes the context, which waits for
 * the refresh that the silence holds. Here SQS is silent during the start-up checks, which wait up
 * to their 60 s limit; before the handler was installed ahead of the start, the JVM exited 143.
 */
class StopDuringStartIT {

	@Test
	void sigtermDuringAStartHeldUpBySilenceExitsAtOnce() {
		Scenario scenario = Scenario.create("stop-during-start-" + UUID.randomUUID());
		try (TcpProxy sqs = scenario.sqsThroughProxy()) {
			sqs.blackHole();
			scenario.environment().put("LOGINS_SQS_TIMEOUT", "60s");

			try (ServiceProcess service = ServiceProcess.start(scenario.environment())) {
				await().atMost(Duration.ofMinutes(2))
					.pollInterval(Duration.ofMillis(100))
					.until(() -> sqs.silencedSockets() > 0);
				service.terminate();

				assertThat(service.awaitExit(Duration.ofSeconds(15)))
					.as("exit status within 15 s of SIGTERM, the start-up checks waiting up to 60 s; output in %s",
							service.log())
					.isZero();
				assertThat(service.output()).as("output in %s", service.log())
					.contains("Stopping (SIGTERM) during start-up")
					.doesNotContain("Started LoginEtlApplication");
			}
		}
	}

}
