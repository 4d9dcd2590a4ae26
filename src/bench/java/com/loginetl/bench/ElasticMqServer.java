package com.loginetl.bench;

import java.io.IOException;
import java.io.InputStream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.loginetl.support.ElasticMq;
import org.slf4j.LoggerFactory;

/**
 * Main class of the ElasticMQ process: the test-support server on a free port of 127.0.0.1, in a
 * JVM of its own so that its CPU is not the benchmark's. It prints {@code ENDPOINT <url>} when it
 * answers, and stops when its standard input closes, which happens when the benchmark ends in any
 * way, so it never outlives it.
 */
public final class ElasticMqServer {

	static final String ENDPOINT_LINE = "ENDPOINT ";

	private ElasticMqServer() {
	}

	public static void main(String[] args) throws IOException {
		((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
		ElasticMq sqs = ElasticMq.start(0);
		System.out.println(ENDPOINT_LINE + sqs.endpoint());
		System.out.flush();
		InputStream stdin = System.in;
		while (stdin.read() != -1) {
			// nothing is sent; this only waits for the end of the stream
		}
		sqs.stop();
		System.exit(0);
	}

}
