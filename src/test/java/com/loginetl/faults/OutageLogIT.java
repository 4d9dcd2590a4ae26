package com.loginetl.faults;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import com.loginetl.support.ProxiedDatabase;
import com.loginetl.support.Scenario;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.ServiceStarts;
import com.loginetl.support.Workload;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A 30-second database outage under load writes a handful of concise lines: the state changes
 * (down, back) with cause class and SQLSTATE, and no stack trace.
 */
class OutageLogIT {

	/** Down and back from the ingest gate and from the health check, and a few lines of slack. */
	private static final int MOST_LINES = 12;

	@Test
	void aDatabaseOutageLogsItsStateChangesOnlyAndNoStackTrace() throws Exception {
		Scenario scenario = Scenario.create("outage-log");
		Workload workload = scenario.workload();
		workload.send(1_000, 10);
		scenario.environment().put("LOGINS_DATABASE_RETRY_MAX_INTERVAL", "4s");
		try (ProxiedDatabase database = ProxiedDatabase.in(scenario);
				ServiceProcess service = ServiceStarts.startAndAwaitReady(scenario)) {
			Workload.SteadySender producer = workload.sendSteadily(100);
			await().atMost(Duration.ofSeconds(30)).until(() -> workload.rows() >= 500);
			int before = lines(service).size();

			database.proxy().cut();
			await().atMost(Duration.ofSeconds(20)).until(() -> service.status("/actuator/health/readiness") == 503);
			Thread.sleep(30_000);
			database.proxy().restore();
			await().atMost(Duration.ofSeconds(30)).until(() -> service.status("/actuator/health/readiness") == 200);
			producer.stop();
			Thread.sleep(1_500);
			workload.assertEveryValidMessageIsExactlyOneRow(Duration.ofSeconds(60));

			List<String> written = lines(service).subList(before, lines(service).size());
			String shown = String.join("\n", written);
			assertThat(written).as("lines written by the outage:\n%s", shown).hasSizeLessThanOrEqualTo(MOST_LINES);
			assertThat(written).as("stack-trace lines:\n%s", shown).noneMatch((line) -> line.startsWith("\tat "));
			assertThat(written).as("ERROR lines:\n%s", shown).noneMatch((line) -> line.contains(" ERROR "));
			assertThat(shown).containsPattern("WARN .*Database unavailable \\(\\w+, SQLSTATE \\w{5}")
				.contains("Database answers again after");
		}
	}

	private static List<String> lines(ServiceProcess service) throws Exception {
		return Files.readAllLines(service.log());
	}

}
