package com.loginetl.ingest;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import org.springframework.stereotype.Component;

/** Resolves a queue given by name or by URL to its URL, asking SQS once per name. */
@Component
public class QueueUrls {

	private final SqsAsyncClient sqs;

	private final IngestProperties properties;

	private final Map<String, String> urlsByName = new ConcurrentHashMap<>();

	public QueueUrls(SqsAsyncClient sqs, IngestProperties properties) {
		this.sqs = sqs;
		this.properties = properties;
	}

	/** @throws java.util.concurrent.CompletionException if SQS does not answer or knows no such queue */
	public String resolve(String nameOrUrl) {
		if (nameOrUrl.startsWith("https://") || nameOrUrl.startsWith("http://")) {
			return nameOrUrl;
		}
		return this.urlsByName.computeIfAbsent(nameOrUrl, (name) -> this.sqs.getQueueUrl((request) -> request.queueName(name))
			.orTimeout(this.properties.sqsTimeout().toMillis(), TimeUnit.MILLISECONDS)
			.join()
			.queueUrl());
	}

}
