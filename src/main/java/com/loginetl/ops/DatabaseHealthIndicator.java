package com.loginetl.ops;

import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Readiness of the database: {@code SELECT 1} answers through the service's pool, checked in the
 * background. Takes the place of Spring Boot's {@code db} indicator, which runs its query while
 * the probe waits, and so answers only after the pool's connection timeout when the database is
 * away.
 */
@Component("database")
class DatabaseHealthIndicator extends BackgroundCheck {

	DatabaseHealthIndicator(JdbcClient jdbc, HealthProperties properties) {
		super("database", properties, () -> {
			long started = System.nanoTime();
			jdbc.sql("SELECT 1").query(Integer.class).single();
			return Map.of("query", "SELECT 1", "answeredInMs", (System.nanoTime() - started) / 1_000_000);
		});
	}

}
