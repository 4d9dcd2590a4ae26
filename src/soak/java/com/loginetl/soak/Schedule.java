package com.loginetl.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The faults of one run, drawn from the seed alone (and the run's length and number of services),
 * so that a seed replays the same schedule. Kinds are drawn from a shuffled bag that holds each
 * kind at least once, so a run long enough to empty the bag has met every kind; the bag is then
 * refilled. Faults that block the nemesis (a cut, a black hole, a stop) follow one another; a
 * row lock and a redrive run in the background, beside the next ones. The partitions are in the
 * bag only where the services run in network namespaces of their own (root, {@code ip},
 * {@code iptables}): a seed replays the same schedule on a machine that has the same.
 */
final class Schedule {

	/** No fault starts in the last minute of the run: the last one has room to end before the heal. */
	private static final Duration QUIET_END = Duration.ofSeconds(60);

	/** The first fault comes once the stream has been flowing for a while. */
	private static final Duration FIRST = Duration.ofSeconds(20);

	enum Kind {

		KILL("kill -9, then a restart after a pause", 2, false),
		SIGTERM("SIGTERM, exit 0 within the grace period, then a restart", 2, false),
		SIGTERM_DB_SILENT("the database goes silent, then SIGTERM", 1, false),
		DB_CUT("database connections cut (reset), new ones refused", 2, true),
		DB_BLACK_HOLE("database connections silent, no data and no close", 2, true),
		SQS_CUT("SQS connections cut (reset), new ones refused", 2, true),
		SQS_BLACK_HOLE("SQS connections silent, no data and no close", 2, true),
		ROW_LOCK("another session holds a message's row lock for minutes", 1, false),
		SLOW_DB("the table is locked against inserts for seconds (a slow database)", 2, false),
		REDRIVE("dlq redrive runs meanwhile", 1, false),
		PARTITION("a real partition: packets to and from PostgreSQL and SQS dropped both ways", 1, true, true),
		SIGTERM_PARTITIONED("a real partition, SIGTERM inside it, the restart inside it too", 1, false, true);

		final String description;

		final int weight;

		/** Whether it may hit every service at once, not only one. */
		final boolean network;

		/** Whether it needs the services in network namespaces of their own. */
		final boolean partition;

		Kind(String description, int weight, boolean network) {
			this(description, weight, network, false);
		}

		Kind(String description, int weight, boolean network, boolean partition) {
			this.description = description;
			this.weight = weight;
			this.network = network;
			this.partition = partition;
		}

		boolean background() {
			return this == ROW_LOCK || this == REDRIVE;
		}

	}

	/**
	 * One fault.
	 *
	 * @param number its place in the schedule, from 1
	 * @param at when it is due, from the start of the run
	 * @param kind what it is
	 * @param target the service it hits ({@code service-N}), {@code all}, or {@code database}/{@code queue}
	 * @param duration how long it lasts (the silence or partition around the SIGTERM of
	 * {@link Kind#SIGTERM_DB_SILENT} and {@link Kind#SIGTERM_PARTITIONED}); zero for a kill
	 */
	record Fault(int number, Duration at, Kind kind, String target, Duration duration) {

		String describe() {
			return String.format("#%-3d %s  %-17s %-10s %s", this.number, Report.clock(this.at), this.kind, this.target,
					this.duration.isZero() ? "" : this.duration.toSeconds() + " s");
		}

	}

	private Schedule() {
	}

	/**
	 * @param partitions whether the services run in network namespaces of their own, so that
	 * {@link Kind#PARTITION} and {@link Kind#SIGTERM_PARTITIONED} can be carried out
	 */
	static List<Fault> plan(long seed, Duration length, int services, boolean partitions) {
		Random random = new Random(seed);
		List<Kind> bag = new ArrayList<>();
		List<Fault> faults = new ArrayList<>();
		Duration at = FIRST;
		while (at.compareTo(length.minus(QUIET_END)) < 0) {
			if (bag.isEmpty()) {
				for (Kind kind : Kind.values()) {
					if (kind.partition && !partitions) {
						continue;
					}
					for (int i = 0; i < kind.weight; i++) {
						bag.add(kind);
					}
				}
				Collections.shuffle(bag, random);
			}
			Kind kind = bag.remove(bag.size() - 1);
			String service = "service-" + (1 + random.nextInt(services));
			String target = switch (kind) {
				case ROW_LOCK, SLOW_DB -> "database";
				case REDRIVE -> "queue";
				default -> (kind.network && random.nextInt(4) == 0) ? "all" : service;
			};
			Duration duration = switch (kind) {
				case KILL, SIGTERM, REDRIVE -> Duration.ZERO;
				case SIGTERM_DB_SILENT -> seconds(random, 20, 60);
				case PARTITION -> seconds(random, 20, 90);
				case SIGTERM_PARTITIONED -> seconds(random, 30, 120);
				case DB_CUT, SQS_CUT -> seconds(random, 5, 30);
				case DB_BLACK_HOLE, SQS_BLACK_HOLE -> seconds(random, 10, 60);
				case ROW_LOCK -> seconds(random, 60, 240);
				case SLOW_DB -> seconds(random, 5, 18);
			};
			faults.add(new Fault(faults.size() + 1, at, kind, target, duration));
			Duration blocks = kind.background() ? Duration.ZERO : duration;
			at = at.plus(blocks).plus(seconds(random, 5, 30));
		}
		return faults;
	}

	private static Duration seconds(Random random, int from, int to) {
		return Duration.ofSeconds(from + random.nextInt(to - from + 1));
	}

}
