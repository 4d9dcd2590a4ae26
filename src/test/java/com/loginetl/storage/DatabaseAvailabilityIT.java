package com.loginetl.storage;

import java.time.Duration;

import com.loginetl.support.JdbcTarget;
import com.loginetl.support.TestPostgres;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;

class DatabaseAvailabilityIT {

	private static final StorageProperties FAST = new StorageProperties(
			new StorageProperties.Retry(Duration.ofMillis(100), Duration.ofMillis(400)), Duration.ofSeconds(1),
			Duration.ofSeconds(2), Duration.ofSeconds(5), true, Duration.ofSeconds(3), Duration.ofSeconds(2),
			Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(10), 3, Duration.ofMinutes(35));

	@Test
	void aReportedFailureClosesTheGateUntilAProbeReachesTheDatabase() throws Exception {
		JdbcTarget database = TestPostgres.instance().newDatabase();
		DatabaseAvailability availability = new DatabaseAvailability(JdbcClient
			.create(new DriverManagerDataSource(database.url(), database.username(), database.password())), FAST);
		try {
			assertThat(availability.isAvailable()).isTrue();

			availability.reportFailure(new DataAccessResourceFailureException("connection reset"));

			assertThat(availability.isAvailable()).isFalse();
			assertThat(availability.unavailableSince()).isPresent();
			assertThat(availability.awaitAvailable(Duration.ofSeconds(10))).isTrue();
			assertThat(availability.unavailableSince()).isEmpty();
		}
		finally {
			availability.destroy();
		}
	}

	@Test
	void theGateStaysClosedWhileNothingAnswers() throws Exception {
		DatabaseAvailability availability = new DatabaseAvailability(
				JdbcClient.create(new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=1")),
				FAST);
		try {
			availability.reportFailure(new DataAccessResourceFailureException("connection refused"));

			assertThat(availability.awaitAvailable(Duration.ofSeconds(2))).isFalse();
			assertThat(availability.isAvailable()).isFalse();
		}
		finally {
			availability.destroy();
		}
	}

}
