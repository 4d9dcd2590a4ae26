package com.loginetl.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.loginetl.masking.Keysets;
import com.loginetl.support.JdbcTarget;

/**
 * A drain by one of the loops of {@link LoopConsumer}, in a JVM of its own, on a queue of its own:
 * preload, launch, then sample "messages done" (preloaded minus the queue's depth, as for the
 * service) and the loop process's CPU every {@link Timeline#INTERVAL_MILLIS} ms until all are done.
 */
record LoopDrain(ElasticMqProcess sqs, CpuMeter cpu, BenchSettings settings, StartedProcesses started) {

	/** {@code database} is null for the raw loop, which writes nothing. */
	Result run(String mode, int run, LoginLoad load, int pollers, JdbcTarget database) {
		ElasticMqProcess.QueuePair queues = this.sqs.createQueues("bench-" + mode + "-" + run);
		double preloadSeconds = new Senders(this.sqs.client(), queues.queueUrl()).preload(load.bodies(),
				BenchSettings.SENDER_THREADS, this.settings.timeout());
		List<String> arguments = new ArrayList<>(List.of(mode, this.sqs.endpoint().toString(), queues.queueUrl(),
				Integer.toString(pollers), Integer.toString(load.size())));
		if (database != null) {
			arguments.addAll(List.of(database.url(), database.username(), database.password()));
		}
		Path log = this.settings.outputDir().resolve("loop-" + mode + "-run-" + run + ".log");
		Process process = this.started.startJava(this.settings.serviceJvmOptions(), LoopConsumer.class, arguments,
				Map.of("LOOP_KEYSET", Keysets.generate()), log);
		try {
			Timeline drain = new Timeline(this.cpu, System.nanoTime(), load.size(), this.settings.windowFrom()).sample(
					process.pid(), "the " + mode + " loop drained", log, this.settings.timeout(), () -> {
					}, () -> load.size() - this.sqs.depth(queues.queueUrl()));
			if (!process.waitFor(60, TimeUnit.SECONDS)) {
				throw new IllegalStateException("The " + mode + " loop did not exit after its drain; see " + log);
			}
			this.started.ended(process.pid());
			this.sqs.deleteQueues(queues);
			return new Result(drain, load.size() / preloadSeconds, (database != null) ? rows(database) : 0);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		finally {
			process.destroyForcibly();
		}
	}

	private static long rows(JdbcTarget database) {
		try (Connection connection = DriverManager.getConnection(database.url(), database.username(),
				database.password())) {
			return ServiceBench.rows(connection);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot count the loop's rows: " + ex.getMessage(), ex);
		}
	}

	/**
	 * One loop drain.
	 *
	 * @param drain the samples, with the CPU of each process and the loop's threads over the window
	 * @param preloadRate messages per second of the preload
	 * @param rows rows in the loop's database afterwards (0 for the raw loop)
	 */
	record Result(Timeline drain, double preloadRate, long rows) {
	}

}
