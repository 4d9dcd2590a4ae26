package com.loginetl.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps the month partitions of {@code user_logins} ahead of time and, with {@code logins.retention},
 * drops the ones past it. Runs when the context starts (before the listener takes messages) and
 * then every {@code logins.partitions.interval}.
 * <ul>
 * <li><b>One replica at a time:</b> a run holds a PostgreSQL advisory lock; a replica that does
 * not get it skips the run, and every step checks the catalog again under the lock.</li>
 * <li><b>Never blocks inserts for long:</b> each step is one transaction with a short
 * {@code lock_timeout}; a step that cannot get its lock gives up and the run is tried again
 * later. A new partition is created as a plain table and attached, which locks the parent only
 * in SHARE UPDATE EXCLUSIVE mode (inserts go on) and the DEFAULT partition exclusively.</li>
 * <li><b>Rows in DEFAULT are moved, never lost:</b> PostgreSQL refuses a partition whose range
 * has rows in DEFAULT, so they are moved into the new partition in the same transaction. A month
 * with rows in DEFAULT gets its partition too (unless it is past retention). Rows in DEFAULT are
 * never dropped; those retention would have dropped are logged.</li>
 * </ul>
 * With {@code logins.partitions.maintenance=false} (pg_partman's job) it changes nothing and only
 * measures the gauges.
 */
@Component
public class PartitionMaintenance implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(PartitionMaintenance.class);

	/** Before the listener containers (and the web server), after nothing that needs partitions. */
	private static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	/** Any replica of the service takes the same lock: "logins" in ASCII. */
	private static final long ADVISORY_LOCK = 0x6c6f67696e73L;

	private static final String TABLE = "user_logins";

	private static final DateTimeFormatter PARTITION_SUFFIX = DateTimeFormatter.ofPattern("yyyy_MM");

	private static final String LOCK_NOT_AVAILABLE = "55P03";

	private static final Duration LONGEST_RETRY = Duration.ofMinutes(1);

	// FOR VALUES FROM ('2026-01-01') TO ('2026-02-01'); MINVALUE and MAXVALUE stand unquoted.
	private static final Pattern RANGE = Pattern
		.compile("FOR VALUES FROM \\((?:'([^']*)'|MINVALUE)\\) TO \\((?:'([^']*)'|MAXVALUE)\\)");

	private final DataSource dataSource;

	private final PartitionProperties properties;

	private final Clock clock = Clock.systemUTC();

	private final Counter created;

	private final Counter dropped;

	private final Counter droppedRows;

	private final Counter movedRows;

	private final Counter failures;

	/** Made on each start: a context can be stopped and started again (Spring's test context cache does). */
	private volatile ScheduledExecutorService scheduler;

	private volatile double monthsAhead = Double.NaN;

	private volatile double defaultRows = Double.NaN;

	private volatile boolean running;

	/** As the schema owner, on a connection of its own each run: it creates, attaches and drops tables. */
	@Autowired
	public PartitionMaintenance(SchemaOwner owner, PartitionProperties properties, MeterRegistry registry) {
		this(owner.dataSource(), properties, registry);
	}

	/** On connections of {@code dataSource}, whose role must own the table (tests, benchmarks). */
	public PartitionMaintenance(DataSource dataSource, PartitionProperties properties, MeterRegistry registry) {
		this.dataSource = dataSource;
		this.properties = properties;
		Gauge.builder("logins.partitions.ahead", this, (self) -> self.monthsAhead)
			.description("Months after the current one whose user_logins partition exists, without a gap")
			.register(registry);
		Gauge.builder("logins.partitions.default.rows", this, (self) -> self.defaultRows)
			.description("Rows in the DEFAULT partition of user_logins (rows no month partition took)")
			.register(registry);
		// Not "created": Prometheus reserves the _created suffix and would name it logins_partitions_total.
		this.created = Counter.builder("logins.partitions.added")
			.description("Month partitions created")
			.register(registry);
		this.dropped = Counter.builder("logins.partitions.dropped")
			.description("Month partitions dropped past logins.retention")
			.register(registry);
		this.droppedRows = Counter.builder("logins.partitions.dropped.rows")
			.description("Rows in the partitions dropped past logins.retention")
			.register(registry);
		this.movedRows = Counter.builder("logins.partitions.moved.rows")
			.description("Rows moved from the DEFAULT partition into a new month partition")
			.register(registry);
		this.failures = Counter.builder("logins.partitions.failures")
			.description("Maintenance runs that failed or gave up waiting for a lock (tried again later)")
			.register(registry);
	}

	@Override
	public synchronized void start() {
		this.scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "partition-maintenance");
			thread.setDaemon(true);
			return thread;
		});
		this.running = true;
		// At start-up, synchronously: the month partitions exist before the first message is taken.
		scheduleNext(runSafely());
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		if (this.scheduler != null) {
			this.scheduler.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	private void scheduleNext(boolean succeeded) {
		if (!this.running) {
			return;
		}
		Duration interval = this.properties.partitions().interval();
		Duration delay = (succeeded || interval.compareTo(LONGEST_RETRY) < 0) ? interval : LONGEST_RETRY;
		ScheduledExecutorService scheduler = this.scheduler;
		try {
			scheduler.schedule(() -> scheduleNext(runSafely()), delay.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException stopped) {
			// stopped meanwhile; the next start schedules again
		}
	}

	private boolean runSafely() {
		try {
			run(LocalDate.now(this.clock.withZone(ZoneOffset.UTC)));
			return true;
		}
		catch (DataAccessException ex) {
			this.failures.increment();
			String sqlState = LoginWriter.sqlState(ex);
			if (LOCK_NOT_AVAILABLE.equals(sqlState)) {
				log.info("Partition maintenance of {} postponed: a lock was not free within {} ms; trying again later",
						TABLE, this.properties.partitions().lockTimeout().toMillis());
			}
			else {
				log.warn("Partition maintenance of {} failed ({}, SQLSTATE {}); trying again later", TABLE,
						ex.getClass().getSimpleName(), sqlState);
			}
			return false;
		}
		catch (RuntimeException ex) {
			this.failures.increment();
			log.error("Partition maintenance of {} failed; trying again later", TABLE, ex);
			return false;
		}
	}

	/**
	 * One run as of {@code today} (UTC): creates, moves and drops what is due, then measures.
	 * @return what it did; {@link Report#skipped()} when another replica held the lock
	 */
	Report run(LocalDate today) {
		YearMonth current = YearMonth.from(today);
		try (Connection connection = this.dataSource.getConnection()) {
			SingleConnectionDataSource single = new SingleConnectionDataSource(connection, true);
			JdbcClient jdbc = JdbcClient.create(single);
			TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(single));
			if (!this.properties.partitions().maintenance()) {
				return measure(jdbc, current, Report.unchanged(false));
			}
			boolean locked = jdbc.sql("SELECT pg_try_advisory_lock(?)").param(ADVISORY_LOCK).query(Boolean.class).single();
			if (!locked) {
				log.debug("Partition maintenance of {} skipped: another replica is doing it", TABLE);
				return Report.unchanged(true);
			}
			try {
				return maintain(jdbc, transaction, current);
			}
			finally {
				jdbc.sql("SELECT pg_advisory_unlock(?)").param(ADVISORY_LOCK).query(Boolean.class).single();
			}
		}
		catch (SQLException ex) {
			throw new DataAccessResourceFailureException("No connection for partition maintenance", ex);
		}
	}

	private Report maintain(JdbcClient jdbc, TransactionTemplate transaction, YearMonth current) {
		Optional<YearMonth> oldestKept = Optional.ofNullable(this.properties.retention()).map(current::minusMonths);
		TreeSet<YearMonth> wanted = new TreeSet<>();
		for (int ahead = 0; ahead <= this.properties.partitions().monthsAhead(); ahead++) {
			wanted.add(current.plusMonths(ahead));
		}
		Optional<Partition> defaultPartition = partitions(jdbc).stream().filter(Partition::isDefault).findFirst();
		defaultPartition.ifPresent((partition) -> monthsWithRows(jdbc, partition).stream()
			.filter((month) -> oldestKept.isEmpty() || !month.isBefore(oldestKept.get()))
			.forEach(wanted::add));
		List<YearMonth> createdMonths = new ArrayList<>();
		long moved = 0;
		for (YearMonth month : wanted) {
			Long rows = transaction.execute((status) -> createMonth(jdbc, month));
			if (rows != null) {
				createdMonths.add(month);
				moved += rows;
			}
		}
		List<String> droppedPartitions = new ArrayList<>();
		if (oldestKept.isPresent()) {
			LocalDate cutoff = oldestKept.get().atDay(1);
			for (Partition partition : partitions(jdbc)) {
				if (partition.endsOnOrBefore(cutoff)) {
					dropPastRetention(jdbc, transaction, partition, cutoff);
					droppedPartitions.add(partition.name());
				}
			}
			warnOfDefaultRowsPastRetention(jdbc, cutoff);
		}
		return measure(jdbc, current, new Report(false, createdMonths, moved, droppedPartitions, 0, 0));
	}

	/**
	 * Creates the partition of {@code month}, moving its rows out of DEFAULT; null when a partition
	 * covers the month already (another replica, an operator, or pg_partman made it).
	 * @return how many rows moved from DEFAULT into it
	 */
	private Long createMonth(JdbcClient jdbc, YearMonth month) {
		setLockTimeout(jdbc);
		List<Partition> partitions = partitions(jdbc);
		LocalDate from = month.atDay(1);
		LocalDate to = month.plusMonths(1).atDay(1);
		if (partitions.stream().anyMatch((partition) -> partition.overlaps(from, to))) {
			return null;
		}
		String name = TABLE + "_" + PARTITION_SUFFIX.format(month);
		Optional<Partition> defaultPartition = partitions.stream().filter(Partition::isDefault).findFirst();
		if (defaultPartition.isPresent()) {
			// First, so that no row of the month can land in DEFAULT between the move and the attach.
			jdbc.sql("LOCK TABLE " + quote(defaultPartition.get().name()) + " IN ACCESS EXCLUSIVE MODE").update();
		}
		jdbc.sql("CREATE TABLE " + quote(name) + " (LIKE " + TABLE + " INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
				+ "INCLUDING STORAGE INCLUDING COMMENTS)").update();
		long moved = 0;
		if (defaultPartition.isPresent()) {
			String columns = columns(jdbc);
			moved = jdbc.sql("WITH moved AS (DELETE FROM " + quote(defaultPartition.get().name())
					+ " WHERE create_date >= ? AND create_date < ? RETURNING " + columns + ") INSERT INTO " + quote(name)
					+ " (" + columns + ") SELECT " + columns + " FROM moved")
				.param(from)
				.param(to)
				.update();
		}
		jdbc.sql("ALTER TABLE " + TABLE + " ATTACH PARTITION " + quote(name) + " FOR VALUES FROM ('" + from + "') TO ('"
				+ to + "')").update();
		this.created.increment();
		this.movedRows.increment(moved);
		if (moved > 0) {
			log.info("Created partition {} for {} and moved its {} rows out of the DEFAULT partition", name, month, moved);
		}
		else {
			log.info("Created partition {} for {}", name, month);
		}
		return moved;
	}

	private void dropPastRetention(JdbcClient jdbc, TransactionTemplate transaction, Partition partition,
			LocalDate cutoff) {
		// Counted before the lock is taken: nothing writes to a month that long past.
		long rows = jdbc.sql("SELECT count(*) FROM " + quote(partition.name())).query(Long.class).single();
		transaction.executeWithoutResult((status) -> {
			setLockTimeout(jdbc);
			jdbc.sql("DROP TABLE " + quote(partition.name())).update();
		});
		this.dropped.increment();
		this.droppedRows.increment(rows);
		log.warn("Dropped partition {} ({}) with its {} rows: logins.retention keeps {} months, from {} on",
				partition.name(), partition.bound(), rows, this.properties.retention(), cutoff);
	}

	private void warnOfDefaultRowsPastRetention(JdbcClient jdbc, LocalDate cutoff) {
		for (Partition partition : partitions(jdbc)) {
			if (partition.isDefault()) {
				long old = jdbc.sql("SELECT count(*) FROM " + quote(partition.name())
						+ " WHERE create_date < ?").param(cutoff).query(Long.class).single();
				if (old > 0) {
					log.warn("{} rows in the DEFAULT partition {} are from before {}, past logins.retention; "
							+ "retention never drops DEFAULT rows: delete or move them yourself "
							+ "(docs/data-model.md, Retention)",
							old, partition.name(), cutoff);
				}
			}
		}
	}

	private Report measure(JdbcClient jdbc, YearMonth current, Report report) {
		List<Partition> partitions = partitions(jdbc);
		int ahead = 0;
		while (coversMonth(partitions, current.plusMonths(ahead + 1))) {
			ahead++;
		}
		long inDefault = 0;
		for (Partition partition : partitions) {
			if (partition.isDefault()) {
				inDefault = jdbc.sql("SELECT count(*) FROM " + quote(partition.name())).query(Long.class).single();
			}
		}
		this.monthsAhead = ahead;
		this.defaultRows = inDefault;
		return new Report(report.skipped(), report.created(), report.movedRows(), report.dropped(), ahead, inDefault);
	}

	private static boolean coversMonth(List<Partition> partitions, YearMonth month) {
		LocalDate from = month.atDay(1);
		LocalDate to = month.plusMonths(1).atDay(1);
		return partitions.stream().anyMatch((partition) -> partition.covers(from, to));
	}

	private static List<YearMonth> monthsWithRows(JdbcClient jdbc, Partition defaultPartition) {
		return jdbc.sql("SELECT DISTINCT date_trunc('month', create_date)::date FROM " + quote(defaultPartition.name())
				+ " WHERE create_date IS NOT NULL")
			.query(LocalDate.class)
			.list()
			.stream()
			.map(YearMonth::from)
			.toList();
	}

	private void setLockTimeout(JdbcClient jdbc) {
		jdbc.sql("SELECT set_config('lock_timeout', ?, true)")
			.param(this.properties.partitions().lockTimeout().toMillis() + "ms")
			.query(String.class)
			.single();
	}

	private static List<Partition> partitions(JdbcClient jdbc) {
		return jdbc.sql("""
				SELECT child.relname, pg_get_expr(child.relpartbound, child.oid)
				FROM pg_inherits JOIN pg_class child ON child.oid = pg_inherits.inhrelid
				WHERE pg_inherits.inhparent = ?::regclass
				ORDER BY child.relname
				""").param(TABLE).query((rs, n) -> Partition.of(rs.getString(1), rs.getString(2))).list();
	}

	private static String columns(JdbcClient jdbc) {
		return jdbc.sql("""
				SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute
				WHERE attrelid = ?::regclass AND attnum > 0 AND NOT attisdropped
				""").param(TABLE).query(String.class).single();
	}

	private static String quote(String identifier) {
		return "\"" + identifier.replace("\"", "\"\"") + "\"";
	}

	/**
	 * A partition of {@code user_logins} and its range; {@code from} or {@code to} null for
	 * MINVALUE or MAXVALUE, both null for DEFAULT.
	 */
	record Partition(String name, String bound, boolean isDefault, LocalDate from, LocalDate to) {

		static Partition of(String name, String bound) {
			if (bound.equals("DEFAULT")) {
				return new Partition(name, bound, true, null, null);
			}
			Matcher range = RANGE.matcher(bound);
			if (!range.matches()) {
				throw new IllegalStateException("Partition " + name + " of " + TABLE + " has a bound this service "
						+ "cannot read: " + bound);
			}
			return new Partition(name, bound, false, (range.group(1) != null) ? LocalDate.parse(range.group(1)) : null,
					(range.group(2) != null) ? LocalDate.parse(range.group(2)) : null);
		}

		boolean overlaps(LocalDate start, LocalDate end) {
			return !this.isDefault && (this.from == null || this.from.isBefore(end))
					&& (this.to == null || this.to.isAfter(start));
		}

		boolean covers(LocalDate start, LocalDate end) {
			return !this.isDefault && (this.from == null || !this.from.isAfter(start))
					&& (this.to == null || !this.to.isBefore(end));
		}

		boolean endsOnOrBefore(LocalDate date) {
			return !this.isDefault && this.to != null && !this.to.isAfter(date);
		}

	}

	/**
	 * What one run did.
	 *
	 * @param skipped whether another replica held the lock, so this run did nothing
	 * @param created the months whose partition it created
	 * @param movedRows rows it moved from DEFAULT into new partitions
	 * @param dropped the partitions it dropped past retention
	 * @param monthsAhead months after the current one with a partition, without a gap, afterwards
	 * @param defaultRows rows in DEFAULT afterwards
	 */
	record Report(boolean skipped, List<YearMonth> created, long movedRows, List<String> dropped, long monthsAhead,
			long defaultRows) {

		static Report unchanged(boolean skipped) {
			return new Report(skipped, List.of(), 0, List.of(), 0, 0);
		}

	}

}
