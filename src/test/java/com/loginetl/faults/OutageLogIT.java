package com.loginetl.faults;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

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
 * An outage under load writes a handful of concise lines: the state changes (down, back) with
 * the cause's class, and no stack trace. The load is valid messages only (99 a second is below
 * the workload's one invalid message per hundred), so that every line counted is the outage's.
 */
class OutageLogIT {

	/** Down and back from the ingest gate and from the health check, and a few lines of slack. */
	private static final int MOST_LINES = 12;

	@Test
	void aDatabaseOutageLogsItsStateChangesOnlyAndNoStackTrace() throws Exception {
		Scenario scenario = Scenario.create("outage-log-db");
		Workload workload = scenario.workload();
		workload.send(1_000, 0);
		scenario.environment().put("LOGINS_DATABASE_RETRY_MAX_INTERVAL", "2s");
		try (ProxiedDatabase database = ProxiedDatabase.in(scenario);
				ServiceProcess service = ServiceStarts.startAndAwaitReady(scenario)) {
			Workload.SteadySender producer = workload.sendSteadily(99);
			await().atMost(Duration.ofSeconds(30)).until(() -> workload.rows() >= 500);
			int before = lines(service).size();

			database.proxy().cut();
			await().atMost(Duration.ofSeconds(20)).until(() -> service.status("/actuator/health/readiness") == 503);
			// Long enough for several reconnection attempts (at most 2 s apart) and health checks.
			Thread.sleep(16_000);
			database.proxy().restore();
			await().atMost(Duration.ofSeconds(30)).until(() -> service.status("/actuator/health/readiness") == 200);
			producer.stop();
			Thread.sleep(1_500);
			workload.assertEveryValidMessageIsExactlyOneRow(Duration.ofSeconds(60));

			String shown = assertFewLinesAndNoStackTrace(lines(service), before);
			assertThat(shown).containsPattern("WARN .*Database unavailable \\([A-Za-z]+Exception")
				.contains("Database answers again after");
		}
	}

	@Test
	void anSqsOutageLogsItsStateChangesOnlyAndNoStackTrace() throws Exception {
		Scenario scenario = Scenario.create("outage-log-sqs");
		Workload workload = scenario.workload();
		workload.send(1_000, 0);
		try (TcpProxy sqs = scenario.sqsThroughProxy()) {
			try (ServiceProcess service = ServiceStarts.startAndAwaitReady(scenario)) {
				Workload.SteadySender producer = workload.sendSteadily(99);
				await().atMost(Duration.ofSeconds(30)).until(() -> workload.rows() >= 500);
				int before = lines(service).size();

				sqs.cut();
				await().atMost(Duration.ofSeconds(20)).until(() -> service.status("/actuator/health/readiness") == 503);
				// Several failed polls of each poller and several health checks.
				Thread.sleep(12_000);
				sqs.restore();
				await().atMost(Duration.ofSeconds(60)).until(() -> service.status("/actuator/health/readiness") == 200);
				producer.stop();
				Thread.sleep(1_500);
				workload.assertEveryValidMessageIsExactlyOneRow(Duration.ofSeconds(90));

				String shown = assertFewLinesAndNoStackTrace(lines(service), before);
				assertThat(shown).contains("Polling ", " fails (", "Health check of SQS fails (",
						"Health check of SQS passes again after");
			}
		}
	}

	/**
	 * The lines written since {@code before}, less the per-batch outcome lines of redeliveries
	 * skipped as already stored (after an SQS outage the committed but undeleted batches come back:
	 * that is the outcome the failure table documents, not the fault's log).
	 */
	private static String assertFewLinesAndNoStackTrace(List<String> all, int before) {
		List<String> written = all.subList(before, all.size())
			.stream()
			.filter((line) -> !line.contains("redelivered messages already stored"))
			.toList();
		String shown = String.join("\n", written);
		assertThat(written).as("lines written by the outage:\n%s", shown).hasSizeLessThanOrEqualTo(MOST_LINES);
		assertThat(written).as("stack-trace lines:\n%s", shown).noneMatch((line) -> line.startsWith("\tat "));
		assertThat(written).as("ERROR lines:\n%s", shown).noneMatch((line) -> line.contains(" ERROR "));
		return shown;
	}

	private static List<String> lines(ServiceProcess service) throws Exception {
		return Files.readAllLines(service.log());
	}

}
