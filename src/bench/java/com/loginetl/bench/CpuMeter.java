package com.loginetl.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Snapshots of the CPU time of each process taking part (the service, ElasticMQ, PostgreSQL, this
 * benchmark) and of the whole machine, so that a window's CPU can be split among them; what the
 * machine spent beyond them is other work on the machine (other builds, the kernel's own).
 */
final class CpuMeter {

	private final ProcCpu proc;

	private final long elasticMqPid;

	private final long postmasterPid;

	private final long harnessPid = ProcessHandle.current().pid();

	CpuMeter(ProcCpu proc, long elasticMqPid, long postmasterPid) {
		this.proc = proc;
		this.elasticMqPid = elasticMqPid;
		this.postmasterPid = postmasterPid;
	}

	/** A snapshot; {@code servicePid} is -1 when no service runs. */
	Snapshot snapshot(long servicePid) {
		long[] machine = this.proc.machineTicks();
		Map<String, Long> serviceThreads = (servicePid > 0) ? this.proc.threadTicks(servicePid) : Map.of();
		return new Snapshot(System.nanoTime(), System.currentTimeMillis(), serviceThreads, (servicePid > 0) ? this.proc.processTicks(servicePid) : 0,
				this.proc.processTicks(this.elasticMqPid),
				(this.postmasterPid > 0) ? this.proc.serverTicks(this.postmasterPid) : 0,
				this.proc.processTicks(this.harnessPid), machine[0], machine[1]);
	}

	/** CPU seconds of each part between two snapshots, and the wall time and cores' capacity. */
	Map<String, Double> split(Snapshot from, Snapshot to) {
		double wall = (to.nanos() - from.nanos()) / 1e9;
		double service = seconds(to.service() - from.service());
		double elasticMq = seconds(to.elasticMq() - from.elasticMq());
		double postgres = seconds(to.postgres() - from.postgres());
		double harness = seconds(to.harness() - from.harness());
		double busy = seconds(to.machineBusy() - from.machineBusy());
		double capacity = seconds(to.machineTotal() - from.machineTotal());
		Map<String, Double> split = new LinkedHashMap<>();
		split.put("wall_s", wall);
		split.put("cores_capacity_s", capacity);
		split.put("consumer_s", service);
		split.put("elasticmq_s", elasticMq);
		split.put("postgres_s", (this.postmasterPid > 0) ? postgres : Double.NaN);
		split.put("benchmark_s", harness);
		split.put("other_s", Math.max(0, busy - service - elasticMq - postgres - harness));
		split.put("idle_s", Math.max(0, capacity - busy));
		return split;
	}

	/**
	 * CPU seconds of the service's threads between two snapshots, by thread name, most first (JIT
	 * compiler and GC threads are among them, which a sampling profiler does not show).
	 */
	Map<String, Double> serviceThreads(Snapshot from, Snapshot to) {
		Map<String, Double> threads = new LinkedHashMap<>();
		to.serviceThreads()
			.entrySet()
			.stream()
			.map((thread) -> Map.entry(thread.getKey(),
					seconds(thread.getValue() - from.serviceThreads().getOrDefault(thread.getKey(), 0L))))
			.filter((thread) -> thread.getValue() > 0)
			.sorted(Map.Entry.<String, Double>comparingByValue().reversed())
			.forEach((thread) -> threads.put(thread.getKey(), thread.getValue()));
		return threads;
	}

	private double seconds(long ticks) {
		return this.proc.seconds(ticks);
	}

	/**
	 * CPU ticks at one moment ({@code nanos} is System.nanoTime()), with the service's by thread
	 * name.
	 */
	record Snapshot(long nanos, long epochMillis, Map<String, Long> serviceThreads, long service, long elasticMq, long postgres, long harness, long machineBusy,
			long machineTotal) {
	}

}
