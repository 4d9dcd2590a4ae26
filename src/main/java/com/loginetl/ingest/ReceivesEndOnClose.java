package com.loginetl.ingest;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.awspring.cloud.sqs.listener.MessageListenerContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;

/**
 * The listener container's SQS client, whose receive calls end when the application closes.
 * <p>
 * A stopping container waits until every permit is back, and a long poll holds its permits until it
 * answers: up to {@code logins.listener.poll-timeout} after the stop, whatever the shutdown timeout
 * (Spring Cloud AWS cancels the polls only after that timeout, and the cancellation does not reach
 * the client's call). So when the context closes, before the container stops, every receive still
 * open is answered with no messages at once, and any later one too; batches already handed on are
 * untouched and finish, commit and are deleted as before.
 * <p>
 * The abandoned calls are left to end by themselves, not interrupted: an interrupt or an abort could
 * throw away an answer already on its way, and its messages would stay invisible for the visibility
 * timeout. Messages such a call still brings are handed back (visibility 0), so they are at once
 * there to receive again; only if the client has closed by then do they wait for their visibility
 * timeout, and are then redelivered (inserts are idempotent).
 */
final class ReceivesEndOnClose implements ApplicationListener<ContextClosedEvent>, SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(ReceivesEndOnClose.class);

	private static final ReceiveMessageResponse NO_MESSAGES = ReceiveMessageResponse.builder()
		.messages(List.of())
		.build();

	private final SqsAsyncClient sqs;

	private final ApplicationContext context;

	private final Duration handBackTimeout;

	private final SqsAsyncClient client;

	/** Answers the container waits for, by receive call still open. */
	private final Set<CompletableFuture<ReceiveMessageResponse>> open = ConcurrentHashMap.newKeySet();

	private final Set<CompletableFuture<?>> handBacks = ConcurrentHashMap.newKeySet();

	private volatile boolean closing;

	private volatile boolean running;

	ReceivesEndOnClose(SqsAsyncClient sqs, ApplicationContext context, Duration handBackTimeout) {
		this.sqs = sqs;
		this.context = context;
		this.handBackTimeout = handBackTimeout;
		this.client = (SqsAsyncClient) Proxy.newProxyInstance(SqsAsyncClient.class.getClassLoader(),
				new Class<?>[] { SqsAsyncClient.class }, (proxy, method, args) -> call(method, args));
	}

	/** The client for the listener container: {@code sqs}, except for its receive calls. */
	SqsAsyncClient client() {
		return this.client;
	}

	private Object call(Method method, Object[] args) throws Throwable {
		if (method.getName().equals("receiveMessage") && args != null && args.length == 1
				&& args[0] instanceof ReceiveMessageRequest request) {
			return receive(request);
		}
		try {
			return method.invoke(this.sqs, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

	private CompletableFuture<ReceiveMessageResponse> receive(ReceiveMessageRequest request) {
		if (this.closing) {
			return CompletableFuture.completedFuture(NO_MESSAGES);
		}
		CompletableFuture<ReceiveMessageResponse> answer = new CompletableFuture<>();
		this.open.add(answer);
		this.sqs.receiveMessage(request).whenComplete((response, failure) -> {
			this.open.remove(answer);
			if (failure != null) {
				answer.completeExceptionally(failure);
			}
			else if (!answer.complete(response)) {
				handBack(request.queueUrl(), response.messages());
			}
		});
		// the context may have closed between the check above and the add
		if (this.closing) {
			answer.complete(NO_MESSAGES);
		}
		return answer;
	}

	/** Ends the receives before the listener container stops and waits for them. */
	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		if (event.getApplicationContext() != this.context) {
			return;
		}
		this.closing = true;
		int ended = 0;
		for (CompletableFuture<ReceiveMessageResponse> answer : this.open) {
			if (answer.complete(NO_MESSAGES)) {
				ended++;
			}
		}
		log.debug("Ended {} receive calls still waiting for messages", ended);
	}

	private void handBack(String queueUrl, List<Message> messages) {
		if (messages.isEmpty()) {
			return;
		}
		List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
		for (int i = 0; i < messages.size(); i++) {
			entries.add(ChangeMessageVisibilityBatchRequestEntry.builder()
				.id(Integer.toString(i))
				.receiptHandle(messages.get(i).receiptHandle())
				.visibilityTimeout(0)
				.build());
		}
		List<String> ids = messages.stream().map(Message::messageId).toList();
		CompletableFuture<?> handBack;
		try {
			handBack = this.sqs.changeMessageVisibilityBatch((request) -> request.queueUrl(queueUrl).entries(entries));
		}
		catch (RuntimeException ex) {
			handBack = CompletableFuture.failedFuture(ex);
		}
		CompletableFuture<?> logged = handBack.whenComplete((response, failure) -> {
			if (failure == null) {
				log.info("Handed back {} messages that a receive brought after the stop began: {}", ids.size(), ids);
			}
			else {
				log.warn("Could not hand back {} messages that a receive brought after the stop began ({}); they are "
						+ "received again after their visibility timeout: {}", ids.size(),
						failure.getClass().getSimpleName(), ids);
			}
		});
		this.handBacks.add(logged);
		logged.whenComplete((response, failure) -> this.handBacks.remove(logged));
	}

	@Override
	public void start() {
		this.running = true;
	}

	/** After the listener container has stopped, before the client closes: lets hand-backs answer. */
	@Override
	public void stop() {
		this.running = false;
		CompletableFuture<?>[] waiting = this.handBacks.toArray(CompletableFuture[]::new);
		try {
			CompletableFuture.allOf(waiting)
				.exceptionally((failure) -> null)
				.get(this.handBackTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException | ExecutionException ex) {
			// each hand-back logs its own outcome
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return MessageListenerContainer.DEFAULT_PHASE - 1;
	}

}
