package com.loginetl.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;

/**
 * An OTLP/HTTP receiver for traces ({@code POST /v1/traces}, protobuf), as a collector would be:
 * it decodes each export request and keeps its spans, so that a test can read what a service
 * exported.
 */
public final class OtlpReceiver implements AutoCloseable {

	private final HttpServer server;

	private final List<Span> spans = new ArrayList<>();

	private final List<String> resourceAttributes = new ArrayList<>();

	private int requests;

	private OtlpReceiver(HttpServer server) {
		this.server = server;
	}

	public static OtlpReceiver start() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			OtlpReceiver receiver = new OtlpReceiver(server);
			server.createContext("/v1/traces", (exchange) -> {
				try (exchange) {
					InputStream body = exchange.getRequestBody();
					if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
						body = new GZIPInputStream(body);
					}
					receiver.received(ExportTraceServiceRequest.parseFrom(body.readAllBytes()));
					byte[] answer = io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse.getDefaultInstance()
						.toByteArray();
					exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
					exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
					if (answer.length > 0) {
						exchange.getResponseBody().write(answer);
					}
				}
			});
			server.start();
			return receiver;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Where a service sends its traces: {@code http://127.0.0.1:PORT/v1/traces}. */
	public String tracesEndpoint() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/v1/traces";
	}

	private synchronized void received(ExportTraceServiceRequest request) {
		this.requests++;
		request.getResourceSpansList().forEach((resource) -> {
			resource.getResource().getAttributesList().forEach((attribute) -> this.resourceAttributes.add(attribute.toString()));
			resource.getScopeSpansList().forEach((scope) -> this.spans.addAll(scope.getSpansList()));
		});
	}

	public synchronized List<Span> spans() {
		return List.copyOf(this.spans);
	}

	public synchronized int requests() {
		return this.requests;
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
