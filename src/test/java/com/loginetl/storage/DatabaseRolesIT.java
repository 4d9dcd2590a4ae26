package com.loginetl.storage;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import com.loginetl.support.DatabaseRoles;
import com.loginetl.support.FailedStart;
import com.loginetl.support.JdbcTarget;
import com.loginetl.support.Scenario;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.TestPostgres;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The packaged service with the two roles of docs/database-security.md: the schema owner
 * ({@code SPRING_FLYWAY_USER}) migrates and maintains partitions, the ingest role
 * ({@code SPRING_DATASOURCE_USERNAME}) only inserts and reads; and the start-up reports for a role
 * that lacks what its job needs.
 */
class DatabaseRolesIT {

	private static final String INSUFFICIENT_PRIVILEGE = "42501";

	@Test
	void twoRolesOwnerMigratesAndMaintainsIngestOnlyInserts() throws Exception {
		Scenario scenario = Scenario.create("db-roles");
		DatabaseRoles roles = DatabaseRoles.create(scenario.database());
		scenario.environment().putAll(roles.environment());
		scenario.environment().put("LOGINS_RETENTION", "2");
		scenario.environment().put("LOGINS_PARTITIONS_INTERVAL", "1s");
		JdbcClient admin = client(scenario.database());
		String owner = roles.owner().username();
		String ingest = roles.ingest().username();
		String current = "user_logins_" + DateTimeFormatter.ofPattern("yyyy_MM").format(YearMonth.now(ZoneOffset.UTC));

		try (ServiceProcess service = scenario.startService()) {
			scenario.workload().send(20, 0);
			scenario.workload().assertEveryValidMessageIsExactlyOneRow(Duration.ofSeconds(60));

			assertThat(admin.sql("SELECT DISTINCT installed_by FROM flyway_schema_history").query(String.class).list())
				.as("who migrated")
				.containsExactly(owner);
			assertThat(admin.sql("""
					SELECT DISTINCT pg_get_userbyid(c.relowner) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
					WHERE i.inhparent = 'user_logins'::regclass""").query(String.class).list())
				.as("owners of the partitions")
				.containsExactly(owner);
			assertThat(partitions(admin)).as("this month and three ahead, made by the owner")
				.contains(current, "user_logins_default")
				.hasSizeGreaterThanOrEqualTo(5);
			assertThat(admin.sql("SELECT usename FROM pg_stat_activity WHERE datname = current_database() "
					+ "AND pid <> pg_backend_pid() AND usename = ?").param(ingest).query(String.class).list())
				.as("the pool's connections")
				.isNotEmpty();

			// A partition long past LOGINS_RETENTION (2 months): the owner's next run drops it.
			client(roles.owner()).sql("CREATE TABLE user_logins_2020_01 PARTITION OF user_logins "
					+ "FOR VALUES FROM ('2020-01-01') TO ('2020-02-01')").update();
			await().atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofMillis(500))
				.until(() -> !partitions(admin).contains("user_logins_2020_01"));
			assertThat(service.counter("logins_partitions_dropped_total")).isGreaterThanOrEqualTo(1);

			for (String sql : List.of("CREATE TABLE intruder (id int)", "DROP TABLE " + current,
					"ALTER TABLE user_logins ADD COLUMN intruder int", "DELETE FROM user_logins",
					"TRUNCATE user_logins", "DROP TABLE user_logins")) {
				assertThatThrownBy(() -> execute(roles.ingest(), sql)).as("as the ingest role: %s", sql)
					.isInstanceOfSatisfying(SQLException.class,
							(ex) -> assertThat(ex.getSQLState()).isEqualTo(INSUFFICIENT_PRIVILEGE));
			}
			assertThat(scenario.workload().rows()).isEqualTo(20);
			assertThat(service.output()).as("the documented ingest role has only its own rights")
				.doesNotContain("could change the schema");
		}
	}

	/**
	 * Why the ingest role needs SELECT: the insert's conflict target and its RETURNING read the
	 * table. The identity column's sequence needs no grant of its own.
	 */
	@Test
	void theInsertsConflictTargetAndReturningNeedSelectAndTheIdentityNeedsNoGrant() throws Exception {
		JdbcTarget database = TestPostgres.instance().newDatabase();
		database.migrate();
		DatabaseRoles roles = DatabaseRoles.create(database);
		execute(database, "GRANT INSERT ON user_logins TO " + roles.ingest().username());
		String insert = "INSERT INTO user_logins (sqs_message_id, user_id, create_date) VALUES ('m-1', 'u', current_date)";

		execute(roles.ingest(), insert);
		for (String needsSelect : List.of(insert + " ON CONFLICT (sqs_message_id, create_date) DO NOTHING",
				insert + " RETURNING sqs_message_id")) {
			assertThatThrownBy(() -> execute(roles.ingest(), needsSelect)).as(needsSelect)
				.isInstanceOfSatisfying(SQLException.class,
						(ex) -> assertThat(ex.getSQLState()).isEqualTo(INSUFFICIENT_PRIVILEGE));
		}
		execute(database, "GRANT SELECT ON user_logins TO " + roles.ingest().username());
		execute(roles.ingest(), insert.replace("m-1", "m-2")
				+ " ON CONFLICT (sqs_message_id, create_date) DO NOTHING RETURNING sqs_message_id");
	}

	@Test
	void anOwnerThatDoesNotOwnTheTableStopsStartUpUntilTheDocumentedHandOver() {
		Scenario scenario = Scenario.create("db-roles-owner");
		scenario.database().migrate();
		DatabaseRoles roles = DatabaseRoles.create(scenario.database());
		scenario.environment().putAll(roles.environment());
		String owner = roles.owner().username();

		String report = FailedStart.report(scenario.environment());

		assertThat(report).contains(
				"The database user '" + owner + "', named by spring.flyway.user (SPRING_FLYWAY_USER), does not own "
						+ "user_logins and ",
				"(owned by '" + scenario.database().username() + "')",
				"ALTER TABLE user_logins OWNER TO " + owner, "docs/database-security.md");

		// The hand-over the report points to: then the same service starts.
		roles.handOverExistingDatabase(scenario.database());
		try (ServiceProcess service = scenario.startService()) {
			scenario.workload().send(5, 0);
			scenario.workload().assertEveryValidMessageIsExactlyOneRow(Duration.ofSeconds(60));
		}
	}

	@Test
	void anIngestRoleWithoutGrantsStopsStartUpAfterTheMigration() {
		Scenario scenario = Scenario.create("db-roles-ingest");
		DatabaseRoles roles = DatabaseRoles.create(scenario.database(), "ALTER DEFAULT PRIVILEGES");
		scenario.environment().putAll(roles.environment());
		String ingest = roles.ingest().username();

		String report = FailedStart.report(scenario.environment());

		assertThat(report).contains(
				"The database user '" + ingest + "', named by spring.datasource.username (SPRING_DATASOURCE_USERNAME), "
						+ "lacks INSERT and SELECT on user_logins",
				"GRANT SELECT, INSERT ON user_logins TO " + ingest);
		assertThat(client(scenario.database()).sql("SELECT DISTINCT installed_by FROM flyway_schema_history")
			.query(String.class)
			.list()).as("migrated by the owner before the check").containsExactly(roles.owner().username());
	}

	private static List<String> partitions(JdbcClient admin) {
		return admin.sql("SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
				+ "WHERE i.inhparent = 'user_logins'::regclass ORDER BY 1").query(String.class).list();
	}

	private static JdbcClient client(JdbcTarget target) {
		return JdbcClient.create(new DriverManagerDataSource(target.url(), target.username(), target.password()));
	}

	private static void execute(JdbcTarget target, String sql) throws SQLException {
		try (Connection connection = DriverManager.getConnection(target.url(), target.username(), target.password());
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

}
