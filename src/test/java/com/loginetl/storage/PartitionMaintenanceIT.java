package com.loginetl.storage;

import java.sql.Connection;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.loginetl.support.JdbcTarget;
import com.loginetl.support.TestPostgres;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Partition maintenance against a real PostgreSQL with the service's schema. */
class PartitionMaintenanceIT {

	private static final LocalDate TODAY = LocalDate.of(2026, 12, 1);

	private JdbcTarget database;

	private DriverManagerDataSource dataSource;

	private JdbcClient jdbc;

	private final MeterRegistry meters = new SimpleMeterRegistry();

	@BeforeEach
	void migratedDatabase() {
		this.database = TestPostgres.instance().newDatabase();
		Flyway.configure()
			.dataSource(this.database.url(), this.database.username(), this.database.password())
			.load()
			.migrate();
		this.dataSource = new DriverManagerDataSource(this.database.url(), this.database.username(),
				this.database.password());
		this.jdbc = JdbcClient.create(this.dataSource);
	}

	@Test
	void createsTheCurrentAndTheNextMonthsPartitionsOnceAndMeasuresThem() {
		PartitionMaintenance maintenance = maintenance(null, 3);

		PartitionMaintenance.Report first = maintenance.run(TODAY);
		PartitionMaintenance.Report second = maintenance.run(TODAY);

		assertThat(first.created()).containsExactly(YearMonth.of(2026, 12), YearMonth.of(2027, 1), YearMonth.of(2027, 2),
				YearMonth.of(2027, 3));
		assertThat(second.created()).isEmpty();
		assertThat(partitions()).containsOnlyKeys("user_logins_2026_12", "user_logins_2027_01", "user_logins_2027_02",
				"user_logins_2027_03", "user_logins_default");
		assertThat(partitions().get("user_logins_2027_01"))
			.isEqualTo("FOR VALUES FROM ('2027-01-01') TO ('2027-02-01')");
		assertThat(this.meters.get("logins.partitions.ahead").gauge().value()).isEqualTo(3);
		assertThat(this.meters.get("logins.partitions.default.rows").gauge().value()).isZero();
		assertThat(this.meters.get("logins.partitions.added").counter().count()).isEqualTo(4);
		// A new partition has the parent's indexes, the idempotency key among them.
		assertThat(this.jdbc.sql("SELECT count(*) FROM pg_indexes WHERE tablename = 'user_logins_2027_03'")
			.query(Long.class)
			.single()).isEqualTo(4);
	}

	@Test
	void rowsThatLandedInDefaultMoveIntoTheirMonthsNewPartitionWithTheirIds() {
		PartitionMaintenance maintenance = maintenance(null, 1);
		maintenance.run(TODAY);
		insert("m-jan", LocalDate.of(2027, 1, 20));
		insert("m-feb-1", LocalDate.of(2027, 2, 3));
		insert("m-feb-2", LocalDate.of(2027, 2, 28));
		insert("m-old", LocalDate.of(2024, 5, 5));
		insert("m-none", null);
		Map<String, Long> ids = ids();
		assertThat(this.jdbc.sql("SELECT count(*) FROM user_logins_default").query(Long.class).single()).isEqualTo(4);

		PartitionMaintenance.Report nextMonth = maintenance.run(TODAY.plusMonths(1));

		assertThat(nextMonth.created()).containsExactly(YearMonth.of(2024, 5), YearMonth.of(2027, 2));
		assertThat(nextMonth.movedRows()).isEqualTo(3);
		assertThat(rowsByPartition()).containsOnly(Map.entry("user_logins_2027_01", 1L),
				Map.entry("user_logins_2027_02", 2L), Map.entry("user_logins_2024_05", 1L),
				Map.entry("user_logins_default", 1L));
		assertThat(ids()).isEqualTo(ids);
		assertThat(nextMonth.defaultRows()).isEqualTo(1);
		assertThat(this.meters.get("logins.partitions.default.rows").gauge().value()).isEqualTo(1);
		assertThat(this.meters.get("logins.partitions.moved.rows").counter().count()).isEqualTo(3);
		// Still idempotent after the move: the redelivery meets its row in the new partition.
		assertThat(new NewLoginInsertsImpl(this.jdbc).insertNew(List.of(new UserLogin(null, "m-feb-1", "u", null, null,
				null, null, null, null, LocalDate.of(2027, 2, 3))))).isEmpty();
	}

	@Test
	void retentionDropsWholePartitionsPastItCountsThemAndKeepsDefaultRows() {
		PartitionMaintenance maintenance = maintenance(2, 1);
		for (String month : List.of("2026-08", "2026-09", "2026-10", "2026-11")) {
			YearMonth ym = YearMonth.parse(month);
			this.jdbc.sql("CREATE TABLE user_logins_" + month.replace('-', '_') + " PARTITION OF user_logins FOR VALUES "
					+ "FROM ('" + ym.atDay(1) + "') TO ('" + ym.plusMonths(1).atDay(1) + "')").update();
			insert("m-" + month, ym.atDay(10));
		}
		// Rows past retention that no month partition holds: never dropped by retention.
		this.jdbc.sql("CREATE TABLE user_logins_old PARTITION OF user_logins FOR VALUES FROM (MINVALUE) TO "
				+ "('2020-01-01')").update();
		insert("m-ancient", LocalDate.of(2019, 3, 1));
		insert("m-none", null);

		PartitionMaintenance.Report report = maintenance.run(TODAY);

		assertThat(report.dropped()).containsExactlyInAnyOrder("user_logins_2026_08", "user_logins_2026_09",
				"user_logins_old");
		assertThat(rowsByPartition()).containsOnly(Map.entry("user_logins_2026_10", 1L),
				Map.entry("user_logins_2026_11", 1L), Map.entry("user_logins_default", 1L));
		assertThat(this.meters.get("logins.partitions.dropped").counter().count()).isEqualTo(3);
		assertThat(this.meters.get("logins.partitions.dropped.rows").counter().count()).isEqualTo(3);
	}

	@Test
	void defaultRowsPastRetentionAreKeptAndGetNoPartition() {
		PartitionMaintenance maintenance = maintenance(2, 1);
		insert("m-old", LocalDate.of(2025, 1, 1));
		insert("m-kept-month", LocalDate.of(2026, 10, 31));

		PartitionMaintenance.Report report = maintenance.run(TODAY);

		assertThat(report.created()).contains(YearMonth.of(2026, 10)).doesNotContain(YearMonth.of(2025, 1));
		assertThat(report.dropped()).isEmpty();
		assertThat(this.jdbc.sql("SELECT sqs_message_id FROM user_logins_default").query(String.class).list())
			.containsExactly("m-old");
	}

	@Test
	void aReplicaThatFindsTheAdvisoryLockTakenSkipsTheRun() throws SQLException {
		PartitionMaintenance maintenance = maintenance(null, 1);
		try (Connection otherReplica = connect(); Statement statement = otherReplica.createStatement()) {
			statement.execute("SELECT pg_advisory_lock(" + 0x6c6f67696e73L + ")");

			PartitionMaintenance.Report skipped = maintenance.run(TODAY);

			assertThat(skipped.skipped()).isTrue();
			assertThat(partitions()).containsOnlyKeys("user_logins_default");
		}
		assertThat(maintenance.run(TODAY).created()).hasSize(2);
	}

	@Test
	// Preemptive: were the lock timeout lost, the step would wait on the lock in a socket read that
	// no interrupt ends; this way the test fails at the bound instead of hanging the build.
	@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void aStepThatCannotGetItsLockGivesUpWithinTheLockTimeoutAndALaterRunDoesIt() throws SQLException {
		PartitionMaintenance maintenance = maintenance(null, 1);
		try (Connection writer = connect(); Statement statement = writer.createStatement()) {
			// An insert into DEFAULT whose transaction is still open holds a lock that attaching a
			// partition must wait for.
			writer.setAutoCommit(false);
			statement.execute("INSERT INTO user_logins (sqs_message_id, create_date) VALUES ('m-open', DATE '2026-12-05')");

			assertThatThrownBy(() -> maintenance.run(TODAY)).isInstanceOf(DataAccessException.class)
				.satisfies((ex) -> assertThat(LoginWriter.sqlState(ex)).isEqualTo("55P03"));

			writer.commit();
		}
		PartitionMaintenance.Report later = maintenance.run(TODAY);
		assertThat(later.created()).containsExactly(YearMonth.of(2026, 12), YearMonth.of(2027, 1));
		assertThat(rowsByPartition()).containsOnly(Map.entry("user_logins_2026_12", 1L));
	}

	@Test
	void withMaintenanceOffItChangesNothingAndStillMeasures() {
		insert("m-none", null);
		PartitionMaintenance maintenance = new PartitionMaintenance(this.dataSource, new PartitionProperties(3,
				new PartitionProperties.Partitions(false, 3, Duration.ofHours(1), Duration.ofMillis(200))), this.meters);

		PartitionMaintenance.Report report = maintenance.run(TODAY);

		assertThat(report.created()).isEmpty();
		assertThat(partitions()).containsOnlyKeys("user_logins_default");
		assertThat(this.meters.get("logins.partitions.ahead").gauge().value()).isZero();
		assertThat(this.meters.get("logins.partitions.default.rows").gauge().value()).isEqualTo(1);
	}

	private PartitionMaintenance maintenance(Integer retention, int monthsAhead) {
		return new PartitionMaintenance(this.dataSource, new PartitionProperties(retention,
				new PartitionProperties.Partitions(true, monthsAhead, Duration.ofHours(1), Duration.ofMillis(200))),
				this.meters);
	}

	private Connection connect() throws SQLException {
		return DriverManager.getConnection(this.database.url(), this.database.username(), this.database.password());
	}

	private void insert(String messageId, LocalDate createDate) {
		this.jdbc.sql("INSERT INTO user_logins (sqs_message_id, user_id, create_date) VALUES (?, 'u', ?)")
			.param(messageId)
			.param((createDate != null) ? Date.valueOf(createDate) : null)
			.update();
	}

	private Map<String, String> partitions() {
		Map<String, String> partitions = new TreeMap<>();
		this.jdbc.sql("""
				SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
				WHERE i.inhparent = 'user_logins'::regclass
				""").query((rs, n) -> partitions.put(rs.getString(1), rs.getString(2))).list();
		return partitions;
	}

	private Map<String, Long> rowsByPartition() {
		Map<String, Long> rows = new TreeMap<>();
		this.jdbc.sql("SELECT tableoid::regclass::text, count(*) FROM user_logins GROUP BY 1")
			.query((rs, n) -> rows.put(rs.getString(1), rs.getLong(2)))
			.list();
		return rows;
	}

	private Map<String, Long> ids() {
		Map<String, Long> ids = new TreeMap<>();
		this.jdbc.sql("SELECT sqs_message_id, id FROM user_logins")
			.query((rs, n) -> ids.put(rs.getString(1), rs.getLong(2)))
			.list();
		return ids;
	}

}
