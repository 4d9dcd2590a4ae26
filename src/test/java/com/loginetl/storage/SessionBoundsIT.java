package com.loginetl.storage;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.loginetl.support.DatabaseRoles;
import com.loginetl.support.JdbcTarget;
import com.loginetl.support.TestPostgres;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.StaticListableBeanFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The session limits {@link ConnectionLimits} puts on the pool reach the server: read back with
 * SHOW on a pooled connection of the ingest role, which has no right to change server settings
 * (they travel as the connection's start-up options, which any role may set for its own session).
 */
class SessionBoundsIT {

	@Test
	void theServerSideBoundsHoldOnAPooledConnectionOfAnOrdinaryRole() throws Exception {
		JdbcTarget database = TestPostgres.instance().newDatabase();
		JdbcTarget ingest = DatabaseRoles.create(database).ingest();
		StorageProperties limits = new StorageProperties(
				new StorageProperties.Retry(Duration.ofSeconds(1), Duration.ofSeconds(30)), Duration.ofSeconds(5),
				Duration.ofSeconds(10), Duration.ofSeconds(45), true, Duration.ofSeconds(30), Duration.ofSeconds(20),
				Duration.ofSeconds(60), Duration.ofSeconds(31), Duration.ofSeconds(11), 4, Duration.ofMinutes(36));
		StaticListableBeanFactory beans = new StaticListableBeanFactory(Map.of("limits", limits));
		try (HikariDataSource pool = new HikariDataSource()) {
			pool.setJdbcUrl(ingest.url());
			pool.setUsername(ingest.username());
			pool.setPassword(ingest.password());
			new ConnectionLimits(beans.getBeanProvider(StorageProperties.class)).postProcessBeforeInitialization(pool,
					"dataSource");
			Map<String, String> shown = new LinkedHashMap<>();
			try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
				for (String setting : new String[] { "tcp_keepalives_idle", "tcp_keepalives_interval",
						"tcp_keepalives_count", "idle_session_timeout", "statement_timeout", "current_user" }) {
					try (ResultSet result = statement.executeQuery(
							setting.equals("current_user") ? "SELECT current_user" : "SHOW " + setting)) {
						result.next();
						shown.put(setting, result.getString(1));
					}
				}
			}
			assertThat(shown).containsEntry("tcp_keepalives_idle", "31")
				.containsEntry("tcp_keepalives_interval", "11")
				.containsEntry("tcp_keepalives_count", "4")
				.containsEntry("idle_session_timeout", "36min")
				.containsEntry("statement_timeout", "30s")
				.containsEntry("current_user", ingest.username());
		}
	}

}
