package com.loginetl.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
final class LoopDrain {

	private final ElasticMqProcess sqs;

	private final CpuMeter cpu;

	private final BenchSettings settings;

	private final StartedProcesses started;

	LoopDrain(ElasticMqProcess sqs, CpuMeter cpu, BenchSettings settings, StartedProcesses started) {
		this.sqs = sqs;
		this.cpu = cpu;
		this.settings = settings;
		this.started = started;
	}

	/** {@code database} is null for the raw loop, which writes nothing. */
	Result run(String mode, int run, LoginLoad load, int pollers, JdbcTarget database) {
		ElasticMqProcess.QueuePair queues = this.sqs.createQueues("bench-" + mode + "-" + run);
		double preloadSeconds = new Senders(this.sqs.client(), queues.queueUrl()).preload(load.bodies(),
				BenchSettings.SENDER_THREADS, this.settings.timeout());
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(this.settings.serviceJvmOptions());
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), LoopConsumer.class.getName(), mode,
				this.sqs.endpoint().toString(), queues.queueUrl(), Integer.toString(pollers),
				Integer.toString(load.size())));
		if (database != null) {
			command.addAll(List.of(database.url(), database.username(), database.password()));
		}
		Path log = this.settings.outputDir().resolve("loop-" + mode + "-run-" + run + ".log");
		Process process;
		try {
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
			builder.environment().put("LOOP_KEYSET", Keysets.generate());
			process = builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.started.started(process.pid());
		Thread copier = new Thread(() -> copy(process, log), "loop-output");
		copier.setDaemon(true);
		copier.start();
		try {
			long launched = System.nanoTime();
			long deadline = launched + this.settings.timeout().toNanos();
			Timeline drain = new Timeline(launched, load.size(), this.settings.windowFrom());
			drain.add(0, this.cpu.snapshot(process.pid()));
			while (!drain.complete()) {
				Timeline.sleep(Timeline.INTERVAL_MILLIS);
				if (!process.isAlive()) {
					throw new IllegalStateException("The " + mode + " loop exited with " + process.exitValue()
							+ " while draining; see " + log);
				}
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("Time limit reached while the " + mode + " loop drained ("
							+ drain.last().done() + " done); see " + log);
				}
				drain.add(load.size() - this.sqs.depth(queues.queueUrl()), this.cpu.snapshot(process.pid()));
			}
			if (!process.waitFor(60, TimeUnit.SECONDS)) {
				throw new IllegalStateException("The " + mode + " loop did not exit after its drain; see " + log);
			}
			this.started.ended(process.pid());
			long rows = (database != null) ? rows(database) : 0;
			this.sqs.deleteQueues(queues);
			return new Result(drain, this.cpu.split(drain.windowStart().cpu(), drain.windowEnd().cpu()),
					this.cpu.serviceThreads(drain.windowStart().cpu(), drain.windowEnd().cpu()),
					load.size() / preloadSeconds, rows);
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
				database.password()); Statement statement = connection.createStatement();
				ResultSet count = statement.executeQuery("SELECT count(*) FROM user_logins")) {
			count.next();
			return count.getLong(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot count the loop's rows: " + ex.getMessage(), ex);
		}
	}

	private static void copy(Process process, Path log) {
		try (BufferedReader output = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
				PrintWriter file = new PrintWriter(Files.newBufferedWriter(log), true)) {
			String line;
			while ((line = output.readLine()) != null) {
				file.println(line);
			}
		}
		catch (IOException ex) {
			// the process ended
		}
	}

	/**
	 * One loop drain.
	 *
	 * @param drain the samples
	 * @param cpuSplit CPU of each process over the warm window (the loop's is {@code service_s})
	 * @param threads the loop process's CPU by thread name over the warm window
	 * @param preloadRate messages per second of the preload
	 * @param rows rows in the loop's database afterwards (0 for the raw loop)
	 */
	record Result(Timeline drain, Map<String, Double> cpuSplit, Map<String, Double> threads, double preloadRate,
			long rows) {
	}

}
