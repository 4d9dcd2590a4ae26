package com.loginetl.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;

/**
 * Where a tracing contender's spans go: an OTLP/HTTP receiver on 127.0.0.1 that reads each export
 * and answers 200 with an empty (valid) protobuf response, so that the service pays for building
 * and sending its spans but never for a failing exporter. Started on first use, in the benchmark's
 * JVM, whose CPU is not the service's.
 */
final class OtlpSink {

	/** The variant value that stands for this sink's traces URL. */
	static final String PLACEHOLDER = "sink";

	private static String tracesUrl;

	private OtlpSink() {
	}

	static synchronized String tracesUrl() {
		if (tracesUrl == null) {
			try {
				HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
				server.createContext("/", (exchange) -> {
					try (InputStream body = exchange.getRequestBody()) {
						body.transferTo(OutputStream.nullOutputStream());
					}
					exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
					exchange.sendResponseHeaders(200, -1);
					exchange.close();
				});
				server.setExecutor(Executors.newSingleThreadExecutor((task) -> {
					Thread thread = new Thread(task, "otlp-sink");
					thread.setDaemon(true);
					return thread;
				}));
				server.start();
				tracesUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces";
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return tracesUrl;
	}

}
