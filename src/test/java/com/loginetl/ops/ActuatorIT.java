package com.loginetl.ops;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import com.loginetl.support.LoginEtlIntegrationTest;
import com.loginetl.support.SampleEvents;
import com.loginetl.support.TestQueues;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What Kubernetes probes and Prometheus see. */
@LoginEtlIntegrationTest
class ActuatorIT {

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

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

	@Test
	void prometheusShowsWhatWasReceivedWrittenAndRejected() throws Exception {
		this.queues.sendAll(List.of(SampleEvents.event("metrics-user", "1.0", "ios", "10.1.1.1", null, "1-2-3"),
				"{\"user_id\": 12}"));
		this.queues.takeDeadLetters(1);

		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(get("/actuator/prometheus").body())
			.contains("logins_received_total", "logins_written_total", "logins_duplicates_total",
					"logins_rejected_total{application=\"login-etl\",reason=\"wrong_type:user_id\"}",
					"logins_batch_seconds_bucket", "logins_lag_seconds_bucket",
					// the lag histogram has a bucket bound exactly at the 250 ms target
					"logins_lag_seconds_bucket{application=\"login-etl\",le=\"0.25\"}"));
	}

	private HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
