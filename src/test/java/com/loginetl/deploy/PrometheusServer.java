package com.loginetl.deploy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.awaitility.Awaitility.await;

/**
 * Debian's Prometheus server in a process of its own, on a free loopback port, with its storage
 * in a directory of the test's, asked through its HTTP API. {@link #close()} stops it in every
 * case.
 */
final class PrometheusServer implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Process process;

	private final URI base;

	private final Path log;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private PrometheusServer(Process process, URI base, Path log) {
		this.process = process;
		this.base = base;
		this.log = log;
	}

	/**
	 * Starts {@code prometheus} with {@code config} (written to {@code dir/prometheus.yml}, next to
	 * any rules files it names) and waits until it is ready.
	 */
	static PrometheusServer start(Path dir, String config, Duration timeout) {
		Commands.require("prometheus", PrometheusTools.INSTALL_HINT);
		try {
			Files.writeString(dir.resolve("prometheus.yml"), config);
			int port = freePort();
			Path log = dir.resolve("prometheus.log");
			Process process = new ProcessBuilder("prometheus", "--config.file=" + dir.resolve("prometheus.yml"),
					"--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
					"--log.level=warn")
				.directory(dir.toFile())
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
				.start();
			PrometheusServer server = new PrometheusServer(process, URI.create("http://127.0.0.1:" + port), log);
			try {
				server.awaitReady(timeout);
				return server;
			}
			catch (RuntimeException ex) {
				server.close();
				throw ex;
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void awaitReady(Duration timeout) {
		await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("prometheus exited with " + this.process.exitValue() + ":\n" + output());
			}
			try {
				return send("/-/ready").statusCode() == 200;
			}
			catch (IOException notYet) {
				return false;
			}
		});
	}

	/** {@code /api/v1/query} at {@code time}: the response's {@code data}; fails unless the status is success. */
	JsonNode query(String expr, Instant time) {
		return api("/api/v1/query", Map.of("query", expr, "time", seconds(time)));
	}

	/** {@code /api/v1/query_range}, as Grafana asks for a panel: the response's {@code data}. */
	JsonNode queryRange(String expr, Instant start, Instant end, Duration step) {
		return api("/api/v1/query_range", Map.of("query", expr, "start", seconds(start), "end", seconds(end), "step",
				Long.toString(step.toSeconds())));
	}

	/** {@code /api/v1/label/NAME/values} of the series that {@code match} selects. */
	List<String> labelValues(String label, String match) {
		List<String> values = new ArrayList<>();
		api("/api/v1/label/" + label + "/values", Map.of("match[]", match)).forEach((value) -> values.add(value.asString()));
		return values;
	}

	/** The data of a GET on the API; fails with Prometheus's error (type and message) unless the status is success. */
	JsonNode api(String path, Map<String, String> parameters) {
		StringJoiner query = new StringJoiner("&", "?", "");
		parameters.forEach((name, value) -> query.add(encode(name) + "=" + encode(value)));
		try {
			HttpResponse<String> response = send(path + query);
			JsonNode body = JSON.readTree(response.body());
			if (response.statusCode() != 200 || !"success".equals(body.path("status").asString())) {
				throw new AssertionError("Prometheus refused " + path + " " + parameters + ": HTTP "
						+ response.statusCode() + " " + body.path("errorType").asString() + ": "
						+ body.path("error").asString());
			}
			return body.get("data");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	String output() {
		try {
			return Files.readString(this.log);
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(15, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
				this.process.waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

	private HttpResponse<String> send(String pathAndQuery) throws IOException {
		try {
			return this.http.send(HttpRequest.newBuilder(this.base.resolve(pathAndQuery))
				.timeout(Duration.ofSeconds(10))
				.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

	private static String seconds(Instant time) {
		return String.format("%d.%03d", time.getEpochSecond(), time.getNano() / 1_000_000);
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
