package com.loginetl.support;

import java.util.ArrayList;
import java.util.List;

/** The one ElasticMQ of this JVM, started on first use and stopped with the JVM. */
public final class SharedServices {

	private static ElasticMq sqs;

	private SharedServices() {
	}

	public static synchronized ElasticMq sqs() {
		if (sqs == null) {
			sqs = ElasticMq.start(0);
			Runtime.getRuntime().addShutdownHook(new Thread(sqs::stop, "elasticmq-stop"));
		}
		return sqs;
	}

	/** Command-line arguments that point a service at {@link #sqs()} and at {@code database}. */
	public static List<String> serviceArguments(JdbcTarget database) {
		List<String> args = new ArrayList<>();
		sqs().springProperties().forEach((name, value) -> args.add("--" + name + "=" + value));
		database.springProperties().forEach((name, value) -> args.add("--" + name + "=" + value));
		return args;
	}

}
