package com.loginetl.storage;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.loginetl.support.JdbcTarget;
import com.loginetl.support.TestPostgres;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/failure-behaviour.md: after a lock timeout the batch "is written again row by row, each
 * waiting at most 0.5 s for a lock, so the other rows are written at once". A batch of 20 rows, 10
 * of them locked by another session's open transaction, on a pool whose {@code lock_timeout} is
 * 2 s: the batch waits 2 s, then each locked row 0.5 s, so the write takes about 7 s (with the
 * pool's 2 s for each row it would take 22 s). The limit lasts for the row's transaction only: the
 * pooled connection has its 2 s again afterwards.
 */
class RowLockRetryIT {

	private static final Duration POOL_LOCK_TIMEOUT = Duration.ofSeconds(2);

	@Test
	void eachLockedRowWaitsHalfASecondAndTheOthersAreWritten() throws Exception {
		JdbcTarget database = TestPostgres.instance().newDatabase();
		database.migrate();
		LocalDate today = LocalDate.now(ZoneOffset.UTC);
		List<UserLogin> rows = IntStream.range(0, 20)
			.mapToObj((i) -> new UserLogin(null, "lock-" + i, "user-" + i, "ios", null, null, null, "en", "1.0", today))
			.toList();
		Set<String> locked = IntStream.range(0, 20)
			.filter((i) -> i % 2 == 0)
			.mapToObj((i) -> "lock-" + i)
			.collect(Collectors.toSet());

		try (HikariDataSource pool = pool(database);
				Connection holder = DriverManager.getConnection(database.url(), database.username(),
						database.password())) {
			holder.setAutoCommit(false);
			try (PreparedStatement insert = holder.prepareStatement(
					"INSERT INTO user_logins (sqs_message_id, user_id, create_date) VALUES (?, 'holder', ?)")) {
				for (String id : locked) {
					insert.setString(1, id);
					insert.setObject(2, today);
					insert.executeUpdate();
				}
			}
			LoginWriter writer = new LoginWriter(new Inserts(JdbcClient.create(pool)),
					new TransactionTemplate(new DataSourceTransactionManager(pool)));

			long started = System.nanoTime();
			WriteOutcome outcome = writer.write(rows);
			Duration took = Duration.ofNanos(System.nanoTime() - started);

			assertThat(outcome.blocked()).as("rows left for redelivery").containsExactlyInAnyOrderElementsOf(locked);
			assertThat(outcome.written()).as("rows written")
				.hasSize(10)
				.doesNotContainAnyElementsOf(locked);
			// at least the batch's 2 s and 10 x 0.5 s (the server waits out each lock_timeout);
			// at most that with 4 s to spare for a loaded machine, well below the 22 s of 2 s a row
			assertThat(took).as("time to write the batch").isBetween(Duration.ofSeconds(7), Duration.ofSeconds(11));
			try (Connection pooled = pool.getConnection(); Statement statement = pooled.createStatement();
					ResultSet timeout = statement.executeQuery("SHOW lock_timeout")) {
				timeout.next();
				assertThat(timeout.getString(1)).as("the pooled connection's lock_timeout afterwards").isEqualTo("2s");
			}

			holder.rollback();
			WriteOutcome again = writer.write(rows);

			assertThat(again.written()).as("the locked rows once the lock is gone").containsExactlyInAnyOrderElementsOf(locked);
			assertThat(again.blocked()).isEmpty();
		}
	}

	/** One connection with the service's limits, the lock timeout 2 s. */
	private static HikariDataSource pool(JdbcTarget database) {
		StorageProperties limits = new StorageProperties(
				new StorageProperties.Retry(Duration.ofSeconds(1), Duration.ofSeconds(30)), Duration.ofSeconds(5),
				Duration.ofSeconds(10), Duration.ofSeconds(45), true, Duration.ofSeconds(30), POOL_LOCK_TIMEOUT,
				Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(10), 3, Duration.ofMinutes(35));
		HikariDataSource pool = new HikariDataSource();
		pool.setJdbcUrl(database.url());
		pool.setUsername(database.username());
		pool.setPassword(database.password());
		pool.setMaximumPoolSize(1);
		new ConnectionLimits(new StaticListableBeanFactory(Map.of("limits", limits)).getBeanProvider(StorageProperties.class))
			.postProcessBeforeInitialization(pool, "dataSource");
		return pool;
	}

	/** The service's insert statements as the repository: it has no other methods. */
	private static final class Inserts extends NewLoginInsertsImpl implements UserLoginRepository {

		Inserts(JdbcClient jdbc) {
			super(jdbc);
		}

	}

}
