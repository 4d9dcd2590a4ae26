package com.loginetl.ops;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.loginetl.storage.DatabaseAvailability;
import com.loginetl.storage.StorageProperties;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code logins_ingest_paused_seconds} is 0 while the service consumes and counts the time since
 * consumption paused once a write failed, for as long as the database does not answer (here: a
 * port nothing listens on).
 */
class IngestPauseMeterTest {

	@Test
	void countsTheSecondsSinceConsumptionPausedForTheDatabase() throws IOException {
		DatabaseAvailability database = new DatabaseAvailability(JdbcClient.create(new DriverManagerDataSource(
				"jdbc:postgresql://127.0.0.1:" + closedPort() + "/postgres?connectTimeout=1", "nobody", "")),
				new StorageProperties(new StorageProperties.Retry(Duration.ofMillis(50), Duration.ofMillis(200)),
						Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(45), true, Duration.ofSeconds(30),
						Duration.ofSeconds(20), Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(10), 3,
						Duration.ofMinutes(35)));
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		new IngestPauseMeter(database).bindTo(registry);
		try {
			assertThat(paused(registry)).isZero();

			database.reportFailure(new IllegalStateException("connection refused"));

			await().atMost(Duration.ofSeconds(30)).until(() -> paused(registry) >= 0.3);
			double earlier = paused(registry);
			await().atMost(Duration.ofSeconds(30)).until(() -> paused(registry) > earlier);
			assertThat(database.isAvailable()).isFalse();
			assertThat(registry.scrape()).contains("# TYPE logins_ingest_paused_seconds gauge");
		}
		finally {
			database.destroy();
		}
	}

	private static double paused(PrometheusMeterRegistry registry) {
		return registry.get("logins.ingest.paused").timeGauge().value(TimeUnit.SECONDS);
	}

	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
