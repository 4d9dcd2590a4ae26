package com.loginetl.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Snapshots of the CPU time of each process taking part (the consumer, ElasticMQ, PostgreSQL, this
 * benchmark) and of the whole machine, so that a window's CPU can be split among them; what the
 * machine spent beyond them is other work on the machine (other builds, the kernel's own). Read
 * from Linux's /proc: {@code /proc/PID/stat} fields utime and stime (and cutime, cstime for
 * children that ended), {@code /proc/stat} for all cores, in clock ticks of {@code getconf CLK_TCK}.
 */
final class CpuMeter {

	static final long TICKS_PER_SECOND = Long.parseLong(Benchmark.command("getconf", "CLK_TCK"));

	private static final long CHILDREN_REFRESH_NANOS = 2_000_000_000L;

	private final long elasticMqPid;

	private final long postmasterPid;

	private final long harnessPid = ProcessHandle.current().pid();

	private List<Long> postgresChildren = List.of();

	private long childrenListedAt;

	CpuMeter(long elasticMqPid, long postmasterPid) {
		this.elasticMqPid = elasticMqPid;
		this.postmasterPid = postmasterPid;
	}

	/** A snapshot; {@code consumerPid} is -1 when no consumer runs. */
	Snapshot snapshot(long consumerPid) {
		long[] machine = machineTicks();
		return new Snapshot(System.nanoTime(), System.currentTimeMillis(),
				(consumerPid > 0) ? threadTicks(consumerPid) : Map.of(), (consumerPid > 0) ? processTicks(consumerPid) : 0,
				processTicks(this.elasticMqPid), (this.postmasterPid > 0) ? serverTicks() : 0,
				processTicks(this.harnessPid), machine[0], machine[1]);
	}

	/** CPU seconds of each part between two snapshots, and the wall time and cores' capacity. */
	Map<String, Double> split(Snapshot from, Snapshot to) {
		double consumer = seconds(to.consumer() - from.consumer());
		double elasticMq = seconds(to.elasticMq() - from.elasticMq());
		double postgres = seconds(to.postgres() - from.postgres());
		double harness = seconds(to.harness() - from.harness());
		double busy = seconds(to.machineBusy() - from.machineBusy());
		double capacity = seconds(to.machineTotal() - from.machineTotal());
		Map<String, Double> split = new LinkedHashMap<>();
		split.put("wall_s", (to.nanos() - from.nanos()) / 1e9);
		split.put("cores_capacity_s", capacity);
		split.put("consumer_s", consumer);
		split.put("elasticmq_s", elasticMq);
		split.put("postgres_s", (this.postmasterPid > 0) ? postgres : Double.NaN);
		split.put("benchmark_s", harness);
		split.put("other_s", Math.max(0, busy - consumer - elasticMq - postgres - harness));
		split.put("idle_s", Math.max(0, capacity - busy));
		return split;
	}

	/**
	 * CPU seconds of the consumer's threads between two snapshots, by thread name, most first (JIT
	 * compiler and GC threads are among them, which a sampling profiler does not show).
	 */
	Map<String, Double> threads(Snapshot from, Snapshot to) {
		Map<String, Double> threads = new LinkedHashMap<>();
		to.consumerThreads()
			.entrySet()
			.stream()
			.map((thread) -> Map.entry(thread.getKey(),
					seconds(thread.getValue() - from.consumerThreads().getOrDefault(thread.getKey(), 0L))))
			.filter((thread) -> thread.getValue() > 0)
			.sorted(Map.Entry.<String, Double>comparingByValue().reversed())
			.forEach((thread) -> threads.put(thread.getKey(), thread.getValue()));
		return threads;
	}

	/**
	 * The process listening on TCP {@code port} (the postmaster, for a PostgreSQL server on this
	 * machine), found through the socket inode in /proc/net/tcp*; -1 when none is found.
	 */
	static long listenerOf(int port) {
		Set<String> inodes = new HashSet<>();
		for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
			try {
				for (String line : Files.readAllLines(Path.of(table))) {
					String[] fields = line.trim().split("\\s+");
					// local_address is ADDRESS:PORT in hex, st 0A is LISTEN, field 9 the inode
					if (fields.length > 9 && fields[1].endsWith(String.format(":%04X", port)) && fields[3].equals("0A")) {
						inodes.add("socket:[" + fields[9] + "]");
					}
				}
			}
			catch (IOException ex) {
				// no such table (no IPv6): nothing listens there
			}
		}
		return ProcessHandle.allProcesses().mapToLong(ProcessHandle::pid).filter((pid) -> {
			try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
				return fds.anyMatch((fd) -> inodes.contains(link(fd)));
			}
			catch (IOException | RuntimeException ex) {
				// the process ended, or is not ours to look into
				return false;
			}
		}).findFirst().orElse(-1);
	}

	private static String link(Path fd) {
		try {
			return Files.readSymbolicLink(fd).toString();
		}
		catch (IOException ex) {
			// the descriptor closed meanwhile
			return "";
		}
	}

	private static double seconds(long ticks) {
		return (double) ticks / TICKS_PER_SECOND;
	}

	/** utime + stime of a process; -1 when it is gone. */
	private static long processTicks(long pid) {
		long[] fields = stat(Path.of("/proc", Long.toString(pid), "stat"));
		return (fields == null) ? -1 : fields[0] + fields[1];
	}

	/**
	 * utime + stime of each thread of a process, summed by thread name without its numbers (so
	 * "GC Thread#0" and "GC Thread#1" are "GC Thread#"), as /proc/PID/task/TID/comm names them:
	 * at most 15 characters. Threads that ended are not in it.
	 */
	private static Map<String, Long> threadTicks(long pid) {
		Map<String, Long> threads = new TreeMap<>();
		try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
			for (Path task : tasks) {
				try {
					String stat = Files.readString(task.resolve("stat"), StandardCharsets.ISO_8859_1);
					long[] fields = fields(stat);
					threads.merge(stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+", "").strip(),
							fields[0] + fields[1], Long::sum);
				}
				catch (IOException | RuntimeException ex) {
					// the thread ended meanwhile
				}
			}
		}
		catch (IOException ex) {
			// the process ended
		}
		return threads;
	}

	/**
	 * CPU of the PostgreSQL server: its postmaster with the children that ended (cutime, cstime),
	 * plus the children alive now (backends, checkpointer, WAL writer...).
	 */
	private long serverTicks() {
		long[] postmaster = stat(Path.of("/proc", Long.toString(this.postmasterPid), "stat"));
		if (postmaster == null) {
			return -1;
		}
		long ticks = postmaster[0] + postmaster[1] + postmaster[2] + postmaster[3];
		// Listing every process is the costly part; backends live as long as the pool's connections.
		if (this.postgresChildren.isEmpty() || System.nanoTime() - this.childrenListedAt > CHILDREN_REFRESH_NANOS) {
			this.postgresChildren = ProcessHandle.of(this.postmasterPid).stream()
				.flatMap(ProcessHandle::children).map(ProcessHandle::pid).toList();
			this.childrenListedAt = System.nanoTime();
		}
		for (long child : this.postgresChildren) {
			ticks += Math.max(0, processTicks(child));
		}
		return ticks;
	}

	/** Busy and total ticks of all cores together, from the first line of /proc/stat. */
	private static long[] machineTicks() {
		try {
			String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
			long total = 0;
			for (int i = 1; i <= 8 && i < cpu.length; i++) {
				total += Long.parseLong(cpu[i]);
			}
			long idle = Long.parseLong(cpu[4]) + Long.parseLong(cpu[5]);
			return new long[] { total - idle, total };
		}
		catch (IOException ex) {
			return new long[] { 0, 0 };
		}
	}

	// utime, stime, cutime, cstime of a stat file; null when the process is gone
	private static long[] stat(Path file) {
		try {
			return fields(Files.readString(file, StandardCharsets.ISO_8859_1));
		}
		catch (IOException ex) {
			return null;
		}
	}

	// The command name may hold spaces and parentheses; everything after its last ')' is numbers,
	// the first of them field 3 of proc(5) (state), so utime (14) is the twelfth.
	private static long[] fields(String stat) {
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		return new long[] { Long.parseLong(fields[11]), Long.parseLong(fields[12]), Long.parseLong(fields[13]),
				Long.parseLong(fields[14]) };
	}

	/**
	 * CPU ticks at one moment ({@code nanos} is System.nanoTime()), with the consumer's by thread
	 * name.
	 */
	record Snapshot(long nanos, long epochMillis, Map<String, Long> consumerThreads, long consumer, long elasticMq,
			long postgres, long harness, long machineBusy, long machineTotal) {
	}

}
