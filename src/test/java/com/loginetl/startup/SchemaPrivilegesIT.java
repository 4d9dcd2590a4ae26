package com.loginetl.startup;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

import com.loginetl.support.DatabaseRoles;
import com.loginetl.support.JdbcTarget;
import com.loginetl.support.TestPostgres;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What an ingest role may do beyond its job, as the start-up check logs it. */
class SchemaPrivilegesIT {

	@Test
	void theDocumentedIngestRoleHasOnlyItsRightsAndASuperuserHasMore() throws Exception {
		JdbcTarget database = TestPostgres.instance().newDatabase();
		database.migrate();
		DatabaseRoles roles = DatabaseRoles.create(database);
		try (Connection admin = connect(database); Statement statement = admin.createStatement()) {
			statement.execute("GRANT SELECT, INSERT ON user_logins TO " + roles.ingest().username());
			assertThat(SchemaPrivileges.beyondIngest(admin)).contains("is a superuser", "owns user_logins");
		}
		try (Connection ingest = connect(roles.ingest())) {
			assertThat(SchemaPrivileges.beyondIngest(ingest)).isEmpty();
		}
		try (Connection admin = connect(database); Statement statement = admin.createStatement()) {
			statement.execute("GRANT DELETE ON user_logins TO " + roles.ingest().username());
			statement.execute("GRANT CREATE ON SCHEMA public TO " + roles.ingest().username());
		}
		try (Connection ingest = connect(roles.ingest())) {
			assertThat(SchemaPrivileges.beyondIngest(ingest)).containsExactly("may create tables in schema public",
					"may UPDATE, DELETE or TRUNCATE user_logins");
		}
	}

	private static Connection connect(JdbcTarget target) throws Exception {
		return DriverManager.getConnection(target.url(), target.username(), target.password());
	}

}
