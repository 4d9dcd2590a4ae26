package com.loginetl.storage;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.loginetl.support.DatabaseRoles;
import com.loginetl.support.JdbcTarget;
import com.loginetl.support.TestPostgres;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/configuration.md: Flyway runs as the schema owner on connections of its own, with the
 * server's keepalives but without the session limits of the ingest pool (statement, lock and
 * idle-in-transaction timeouts), so that a long migration is not cut off. Read on the very
 * connection Flyway migrates on, from a callback before the migration, and compared with a
 * connection of the pool.
 */
class MigrationSessionLimitsIT {

	private static final List<String> SETTINGS = List.of("current_user", "statement_timeout", "lock_timeout",
			"idle_in_transaction_session_timeout", "tcp_keepalives_idle");

	private final ApplicationContextRunner context = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class))
		.withUserConfiguration(Storage.class)
		// application.yaml's defaults, as the service has them: statement 30 s, lock 20 s, idle in transaction 60 s
		.withInitializer(new ConfigDataApplicationContextInitializer())
		.withPropertyValues("logins.database.server-tcp-keepalives-idle=31s");

	@Test
	void flywayMigratesAsTheOwnerWithoutThePoolsSessionLimits() {
		JdbcTarget database = TestPostgres.instance().newDatabase();
		DatabaseRoles roles = DatabaseRoles.create(database);
		this.context
			.withPropertyValues("spring.datasource.url=" + roles.ingest().url(),
					"spring.datasource.username=" + roles.ingest().username(),
					"spring.datasource.password=" + roles.ingest().password(),
					"spring.flyway.user=" + roles.owner().username(),
					"spring.flyway.password=" + roles.owner().password())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Map<String, String> migration = context.getBean(SessionSeenByMigration.class).settings;
				Map<String, String> pool;
				try (Connection connection = context.getBean(DataSource.class).getConnection()) {
					pool = settings(connection);
				}

				assertThat(migration).as("Flyway's connection")
					.containsEntry("current_user", roles.owner().username())
					.containsEntry("statement_timeout", "0")
					.containsEntry("lock_timeout", "0")
					.containsEntry("idle_in_transaction_session_timeout", "0")
					.containsEntry("tcp_keepalives_idle", "31");
				assertThat(pool).as("a connection of the ingest pool")
					.containsEntry("current_user", roles.ingest().username())
					.containsEntry("statement_timeout", "30s")
					.containsEntry("lock_timeout", "20s")
					.containsEntry("idle_in_transaction_session_timeout", "1min")
					.containsEntry("tcp_keepalives_idle", "31");
			});
	}

	private static Map<String, String> settings(Connection connection) throws SQLException {
		Map<String, String> settings = new LinkedHashMap<>();
		try (Statement statement = connection.createStatement()) {
			for (String setting : SETTINGS) {
				try (ResultSet result = statement
					.executeQuery(setting.equals("current_user") ? "SELECT current_user" : "SHOW " + setting)) {
					result.next();
					settings.put(setting, result.getString(1));
				}
			}
		}
		return settings;
	}

	@Configuration(proxyBeanMethods = false)
	@Import({ StorageConfiguration.class, DatabaseTlsConfiguration.class })
	static class Storage {

		@Bean
		SessionSeenByMigration sessionSeenByMigration() {
			return new SessionSeenByMigration();
		}

	}

	/** Reads the settings of the session Flyway is about to migrate on. */
	static final class SessionSeenByMigration implements Callback {

		final Map<String, String> settings = new LinkedHashMap<>();

		@Override
		public boolean supports(Event event, Context context) {
			return event == Event.BEFORE_MIGRATE;
		}

		@Override
		public boolean canHandleInTransaction(Event event, Context context) {
			return true;
		}

		@Override
		public void handle(Event event, Context context) {
			try {
				this.settings.putAll(settings(context.getConnection()));
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
		}

		@Override
		public String getCallbackName() {
			return "session-seen-by-migration";
		}

	}

}
