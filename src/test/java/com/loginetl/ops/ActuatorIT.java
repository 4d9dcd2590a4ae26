package com.loginetl.ops;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import com.loginetl.support.LoginEtlIntegrationTest;
import com.loginetl.support.PrometheusScrape;
import com.loginetl.support.SampleEvents;
import com.loginetl.support.TestQueues;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What Kubernetes probes and Prometheus see, on the management port. */
@LoginEtlIntegrationTest
class ActuatorIT {

	private final HttpClient http = HttpClient.newHttpClient();

	/** management.server.port: Actuator's own port (random here, 8081 by default). */
	@LocalManagementPort
	int port;

	/** server.port: the application port, which serves no Actuator endpoint. */
	@LocalServerPort
	int applicationPort;

	@Autowired
	TestQueues queues;

	@Test
	void livenessAndReadinessAreUpAndReadinessCoversTheDatabaseAndBothQueues() throws Exception {
		assertThat(get("/actuator/health/liveness")).satisfies((response) -> {
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).contains("\"status\":\"UP\"");
		});
		assertThat(get("/actuator/health/readiness")).satisfies((response) -> {
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).contains("\"database\"", "\"sqs\"", "\"queue\"", "\"deadLetterQueue\"");
		});
	}

	@Test
	void onlyHealthInfoAndPrometheusAreExposed() throws Exception {
		assertThat(get("/actuator/prometheus").statusCode()).isEqualTo(200);
		assertThat(get("/actuator/info").statusCode()).isEqualTo(200);
		for (String hidden : List.of("/actuator/env", "/actuator/beans", "/actuator/configprops", "/actuator/heapdump",
				"/actuator/loggers")) {
			assertThat(get(hidden).statusCode()).as(hidden).isEqualTo(404);
		}
	}

	/**
	 * Actuator lives on the management port only: the application port answers 404 to every
	 * Actuator path (and to Kubernetes' additional probe paths), so health details, which name the
	 * database and the queues, are shown only where a NetworkPolicy admits Prometheus and the kubelet.
	 */
	@Test
	void actuatorAnswersOnTheManagementPortOnlyWithHealthDetailsThere() throws Exception {
		assertThat(this.port).isNotEqualTo(this.applicationPort);
		for (String path : List.of("/actuator", "/actuator/health", "/actuator/health/liveness",
				"/actuator/health/readiness", "/actuator/prometheus", "/actuator/info", "/livez", "/readyz")) {
			HttpResponse<String> response = get(this.applicationPort, path);
			assertThat(response.statusCode()).as("application port %s", path).isEqualTo(404);
			assertThat(response.body()).as("application port %s", path).doesNotContain("\"UP\"", "logins_");
		}
		assertThat(get("/actuator/health")).satisfies((response) -> {
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).contains("\"components\"", "\"database\"", "\"sqs\"", "\"ingest\"");
		});
	}

	/**
	 * The counters and histograms move with traffic: one valid and one invalid message add one to
	 * what was received twice over, written, rejected for that reason, to the count of the lag
	 * histogram, and one batch to the batch histogram.
	 * Values are read before and after, so a meter that exists but never moves fails.
	 */
	@Test
	void prometheusShowsWhatWasReceivedWrittenAndRejected() throws Exception {
		PrometheusScrape before = scrape();
		String reason = "wrong_type:user_id";

		this.queues.sendAll(List.of(SampleEvents.event("metrics-user", "1.0", "ios", "10.1.1.1", null, "1-2-3"),
				"{\"user_id\": 12}"));
		this.queues.takeDeadLetters(1);

		await().atMost(Duration.ofSeconds(20))
			.until(() -> scrape().value("logins_written_total") > before.value("logins_written_total"));
		PrometheusScrape after = scrape();
		assertThat(after.value("logins_received_total") - before.value("logins_received_total")).as("received")
			.isEqualTo(2);
		assertThat(after.value("logins_written_total") - before.value("logins_written_total")).as("written")
			.isEqualTo(1);
		assertThat(after.value("logins_rejected_total", "reason", reason)
				- before.valueOrZero("logins_rejected_total", "reason", reason))
			.as("rejected for %s", reason)
			.isEqualTo(1);
		assertThat(after.value("logins_duplicates_total")).as("duplicates")
			.isEqualTo(before.value("logins_duplicates_total"));
		assertThat(after.value("logins_lag_seconds_count") - before.value("logins_lag_seconds_count")).as("lag count")
			.isEqualTo(1);
		assertThat(after.value("logins_lag_seconds_sum")).as("lag sum").isGreaterThan(before.value("logins_lag_seconds_sum"));
		assertThat(after.value("logins_lag_seconds_bucket", "le", "+Inf")
				- before.value("logins_lag_seconds_bucket", "le", "+Inf"))
			.as("rows in the lag histogram")
			.isEqualTo(1);
		// The lag histogram has a bucket bound exactly at the 250 ms target: it counts this row if and
		// only if the row's lag (the one observation added to the sum) was at most 250 ms.
		double lag = after.value("logins_lag_seconds_sum") - before.value("logins_lag_seconds_sum");
		assertThat(after.value("logins_lag_seconds_bucket", "le", "0.25")
				- before.value("logins_lag_seconds_bucket", "le", "0.25"))
			.as("rows committed within 250 ms of being sent, the row's lag being %s s", lag)
			.isEqualTo((lag <= 0.25) ? 1.0 : 0.0);
		assertThat(after.value("logins_batch_seconds_count") - before.value("logins_batch_seconds_count"))
			.as("batches stored")
			.isEqualTo(1);
		assertThat(after.value("logins_batch_seconds_bucket", "le", "+Inf")
				- before.value("logins_batch_seconds_bucket", "le", "+Inf"))
			.as("batches in the histogram")
			.isEqualTo(1);
	}

	private PrometheusScrape scrape() throws IOException, InterruptedException {
		HttpResponse<String> response = get("/actuator/prometheus");
		assertThat(response.statusCode()).as("/actuator/prometheus").isEqualTo(200);
		return PrometheusScrape.parse(response.body());
	}

	private HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return get(this.port, path);
	}

	private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
