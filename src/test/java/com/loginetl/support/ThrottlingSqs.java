package com.loginetl.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An HTTP relay in front of an SQS server (ElasticMQ) that answers some requests as SQS does when
 * it throttles: HTTP 400 with the JSON protocol's error {@code ThrottlingException} (or another code),
 * which ElasticMQ itself never sends. {@link #throttle(String, int)} makes the next N calls of one
 * action (as the SDK names it in {@code X-Amz-Target}, e.g. {@code ReceiveMessage}) fail so; every
 * other request is relayed unchanged. {@link #calls(String)} counts the calls of an action that
 * reached the relay, throttled or not.
 */
public final class ThrottlingSqs implements AutoCloseable {

	/** Headers the JDK's HTTP client sets itself and refuses to be given. */
	private static final Set<String> RESTRICTED = Set.of("host", "connection", "content-length", "expect", "upgrade");

	private final HttpServer server;

	private final URI target;

	private final String errorCode;

	private final HttpClient relay = HttpClient.newHttpClient();

	private final ExecutorService threads = Executors.newCachedThreadPool((task) -> {
		Thread thread = new Thread(task, "throttling-sqs");
		thread.setDaemon(true);
		return thread;
	});

	private final Map<String, AtomicInteger> toThrottle = new ConcurrentHashMap<>();

	private final List<String> calls = new CopyOnWriteArrayList<>();

	private final List<String> throttled = new CopyOnWriteArrayList<>();

	private ThrottlingSqs(HttpServer server, URI target, String errorCode) {
		this.server = server;
		this.target = target;
		this.errorCode = errorCode;
	}

	/** A relay to {@code target} on a free loopback port that throttles with {@code ThrottlingException}. */
	public static ThrottlingSqs to(URI target) {
		return to(target, "ThrottlingException");
	}

	/** As {@link #to(URI)}, answering throttled calls with this error code (e.g. {@code RequestThrottled}). */
	public static ThrottlingSqs to(URI target, String errorCode) {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
			ThrottlingSqs relay = new ThrottlingSqs(server, target, errorCode);
			server.createContext("/", relay::handle);
			server.setExecutor(relay.threads);
			server.start();
			return relay;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public URI endpoint() {
		return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort());
	}

	/** The next {@code times} calls of {@code action} are answered with the throttling error. */
	public void throttle(String action, int times) {
		this.toThrottle.computeIfAbsent(action, (name) -> new AtomicInteger()).addAndGet(times);
	}

	/** Calls of {@code action} that reached the relay so far, throttled ones included. */
	public int calls(String action) {
		return (int) this.calls.stream().filter(action::equals).count();
	}

	/** Calls of {@code action} answered with the throttling error so far. */
	public int throttled(String action) {
		return (int) this.throttled.stream().filter(action::equals).count();
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.threads.shutdownNow();
	}

	private void handle(HttpExchange exchange) throws IOException {
		try {
			byte[] body;
			try (InputStream in = exchange.getRequestBody()) {
				body = in.readAllBytes();
			}
			String action = action(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
			this.calls.add(action);
			AtomicInteger left = this.toThrottle.get(action);
			if (left != null && left.getAndUpdate((n) -> Math.max(n - 1, 0)) > 0) {
				this.throttled.add(action);
				answerThrottled(exchange);
				return;
			}
			relay(exchange, body);
		}
		finally {
			exchange.close();
		}
	}

	/** SQS's answer on its JSON protocol when a call is throttled. */
	private void answerThrottled(HttpExchange exchange) throws IOException {
		byte[] error = ("{\"__type\":\"com.amazonaws.sqs#" + this.errorCode + "\",\"message\":\"Rate exceeded\"}")
			.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
		exchange.getResponseHeaders().set("x-amzn-query-error", this.errorCode + ";Sender");
		exchange.sendResponseHeaders(400, error.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(error);
		}
	}

	private void relay(HttpExchange exchange, byte[] body) throws IOException {
		HttpRequest.Builder request = HttpRequest
			.newBuilder(this.target.resolve(exchange.getRequestURI().toString()))
			.method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
		exchange.getRequestHeaders().forEach((name, values) -> {
			if (!RESTRICTED.contains(name.toLowerCase())) {
				values.forEach((value) -> request.header(name, value));
			}
		});
		HttpResponse<byte[]> response;
		try {
			response = this.relay.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
		response.headers().map().forEach((name, values) -> {
			if (!RESTRICTED.contains(name.toLowerCase()) && !name.equalsIgnoreCase("transfer-encoding")) {
				exchange.getResponseHeaders().put(name, values);
			}
		});
		byte[] answer = response.body();
		exchange.sendResponseHeaders(response.statusCode(), (answer.length == 0) ? -1 : answer.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(answer);
		}
	}

	/** {@code AmazonSQS.ReceiveMessage} is {@code ReceiveMessage}; a request without the header is {@code ""}. */
	private static String action(String target) {
		if (target == null) {
			return "";
		}
		int dot = target.lastIndexOf('.');
		return (dot < 0) ? target : target.substring(dot + 1);
	}

}
