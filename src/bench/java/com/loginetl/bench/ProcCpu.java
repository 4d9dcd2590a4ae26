package com.loginetl.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * CPU time of processes and of the machine, from Linux's /proc: {@code /proc/PID/stat} fields
 * utime and stime (and cutime, cstime for children that ended), {@code /proc/stat} for all cores,
 * in clock ticks of {@code getconf CLK_TCK}.
 */
final class ProcCpu {

	private static final long CHILDREN_REFRESH_NANOS = 2_000_000_000L;

	private final long ticksPerSecond;

	private List<Long> children = List.of();

	private long childrenListedAt;

	ProcCpu() {
		this.ticksPerSecond = clockTicks();
	}

	long ticksPerSecond() {
		return this.ticksPerSecond;
	}

	double seconds(long ticks) {
		return (double) ticks / this.ticksPerSecond;
	}

	/** utime + stime of a process; -1 when it is gone. */
	long processTicks(long pid) {
		long[] fields = statFields(pid);
		return (fields == null) ? -1 : fields[0] + fields[1];
	}

	/**
	 * utime + stime of each thread of a process, summed by thread name without its numbers (so
	 * "GC Thread#0" and "GC Thread#1" are "GC Thread#"), as /proc/PID/task/TID/comm names them:
	 * at most 15 characters. Threads that ended are not in it.
	 */
	Map<String, Long> threadTicks(long pid) {
		Map<String, Long> threads = new TreeMap<>();
		try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
			for (Path task : tasks) {
				try {
					String stat = Files.readString(task.resolve("stat"), StandardCharsets.ISO_8859_1);
					String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
					String[] fields = afterCommand(stat);
					threads.merge(name.replaceAll("[0-9]+", "").strip(),
							Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long::sum);
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
	 * CPU of a PostgreSQL server: its postmaster with the children that ended (cutime, cstime), plus
	 * the children alive now (backends, checkpointer, WAL writer...).
	 */
	long serverTicks(long postmasterPid) {
		long[] postmaster = statFields(postmasterPid);
		if (postmaster == null) {
			return -1;
		}
		long ticks = postmaster[0] + postmaster[1] + postmaster[2] + postmaster[3];
		// Listing every process is the costly part; backends live as long as the pool's connections.
		if (this.children.isEmpty() || System.nanoTime() - this.childrenListedAt > CHILDREN_REFRESH_NANOS) {
			this.children = ProcessHandle.of(postmasterPid).stream().flatMap(ProcessHandle::children).map(ProcessHandle::pid).toList();
			this.childrenListedAt = System.nanoTime();
		}
		for (long child : this.children) {
			long[] fields = statFields(child);
			if (fields != null) {
				ticks += fields[0] + fields[1];
			}
		}
		return ticks;
	}

	/** Busy and total ticks of all cores together, from the first line of /proc/stat. */
	long[] machineTicks() {
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

	/**
	 * The process listening on TCP {@code port} (the postmaster, for a PostgreSQL server on this
	 * machine), found through the socket inode in /proc/net/tcp*; -1 when none is found.
	 */
	long listenerOf(int port) {
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
		if (inodes.isEmpty()) {
			return -1;
		}
		for (Path process : processes()) {
			try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
				for (Path fd : fds) {
					try {
						if (inodes.contains(Files.readSymbolicLink(fd).toString())) {
							return Long.parseLong(process.getFileName().toString());
						}
					}
					catch (IOException ex) {
						// the descriptor closed meanwhile
					}
				}
			}
			catch (IOException | SecurityException ex) {
				// the process ended, or is not ours to look into
			}
		}
		return -1;
	}

	// utime, stime, cutime, cstime; null when the process is gone
	private long[] statFields(long pid) {
		String stat = readStat(pid);
		if (stat == null) {
			return null;
		}
		String[] fields = afterCommand(stat);
		// fields[0] is field 3 of proc(5) (state), so utime (14) is fields[11]
		return new long[] { Long.parseLong(fields[11]), Long.parseLong(fields[12]), Long.parseLong(fields[13]),
				Long.parseLong(fields[14]) };
	}

	// The command name may hold spaces and parentheses; everything after its last ')' is numbers.
	private static String[] afterCommand(String stat) {
		return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
	}

	private static String readStat(long pid) {
		try {
			return Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1);
		}
		catch (IOException ex) {
			return null;
		}
	}

	private static List<Path> processes() {
		List<Path> processes = new ArrayList<>();
		try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"),
				(path) -> path.getFileName().toString().chars().allMatch(Character::isDigit))) {
			proc.forEach(processes::add);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot list /proc", ex);
		}
		return processes;
	}

	private static long clockTicks() {
		try {
			Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
			String output = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
			getconf.waitFor();
			return Long.parseLong(output);
		}
		catch (IOException | NumberFormatException ex) {
			throw new IllegalStateException("Cannot read the clock tick rate with 'getconf CLK_TCK'", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
