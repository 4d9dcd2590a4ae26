package com.loginetl.ingest;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsServiceClientConfiguration;
import software.amazon.awssdk.services.sqs.batchmanager.SqsAsyncBatchManager;
import software.amazon.awssdk.services.sqs.model.AddPermissionRequest;
import software.amazon.awssdk.services.sqs.model.AddPermissionResponse;
import software.amazon.awssdk.services.sqs.model.CancelMessageMoveTaskRequest;
import software.amazon.awssdk.services.sqs.model.CancelMessageMoveTaskResponse;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityResponse;
import software.amazon.awssdk.services.sqs.model.CreateQueueRequest;
import software.amazon.awssdk.services.sqs.model.CreateQueueResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageResponse;
import software.amazon.awssdk.services.sqs.model.DeleteQueueRequest;
import software.amazon.awssdk.services.sqs.model.DeleteQueueResponse;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlResponse;
import software.amazon.awssdk.services.sqs.model.ListDeadLetterSourceQueuesRequest;
import software.amazon.awssdk.services.sqs.model.ListDeadLetterSourceQueuesResponse;
import software.amazon.awssdk.services.sqs.model.ListMessageMoveTasksRequest;
import software.amazon.awssdk.services.sqs.model.ListMessageMoveTasksResponse;
import software.amazon.awssdk.services.sqs.model.ListQueueTagsRequest;
import software.amazon.awssdk.services.sqs.model.ListQueueTagsResponse;
import software.amazon.awssdk.services.sqs.model.ListQueuesRequest;
import software.amazon.awssdk.services.sqs.model.ListQueuesResponse;
import software.amazon.awssdk.services.sqs.model.PurgeQueueRequest;
import software.amazon.awssdk.services.sqs.model.PurgeQueueResponse;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.RemovePermissionRequest;
import software.amazon.awssdk.services.sqs.model.RemovePermissionResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;
import software.amazon.awssdk.services.sqs.model.SetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.SetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.StartMessageMoveTaskRequest;
import software.amazon.awssdk.services.sqs.model.StartMessageMoveTaskResponse;
import software.amazon.awssdk.services.sqs.model.TagQueueRequest;
import software.amazon.awssdk.services.sqs.model.TagQueueResponse;
import software.amazon.awssdk.services.sqs.model.UntagQueueRequest;
import software.amazon.awssdk.services.sqs.model.UntagQueueResponse;

/**
 * An {@link SqsAsyncClient} that runs each call on the synchronous {@link SqsClient}, on threads of a
 * bounded pool. Spring Cloud AWS's listener container needs an {@code SqsAsyncClient}, but the
 * asynchronous SDK pipeline (Netty, its response threads, the request built and signed on the caller's
 * thread) cost more CPU per message than the whole same-work loop; the synchronous client does the
 * same calls with a blocking HTTP client and no event loop.
 * <p>
 * Only the calls the service makes are supported: {@code GetQueueUrl}, {@code GetQueueAttributes},
 * {@code ReceiveMessage}, {@code DeleteMessageBatch}, {@code ChangeMessageVisibilityBatch} and
 * {@code ChangeMessageVisibility} (the listener container, the start-up checks, health and queue
 * depth, the dead-letter tool) and {@code SendMessageBatch} (dead letters, redrive). The container
 * calls {@code CreateQueue} only with {@code QueueNotFoundStrategy.CREATE}, which the service never
 * sets. Every other call fails with an
 * {@link UnsupportedOperationException} that names it and the setting that brings the asynchronous
 * client back. A failed call completes its future with the SDK's own exception, as the asynchronous
 * client does; a call the full pool cannot take fails at once with an {@link SdkClientException}.
 */
final class BlockingSqsAsyncClient implements SqsAsyncClient {

	private final SqsClient sqs;

	private final ExecutorService calls;

	BlockingSqsAsyncClient(SqsClient sqs, ExecutorService calls) {
		this.sqs = sqs;
		this.calls = calls;
	}

	@Override
	public CompletableFuture<GetQueueUrlResponse> getQueueUrl(GetQueueUrlRequest request) {
		return run(() -> this.sqs.getQueueUrl(request));
	}

	@Override
	public CompletableFuture<GetQueueAttributesResponse> getQueueAttributes(GetQueueAttributesRequest request) {
		return run(() -> this.sqs.getQueueAttributes(request));
	}

	@Override
	public CompletableFuture<ReceiveMessageResponse> receiveMessage(ReceiveMessageRequest request) {
		return run(() -> this.sqs.receiveMessage(request));
	}

	@Override
	public CompletableFuture<DeleteMessageBatchResponse> deleteMessageBatch(DeleteMessageBatchRequest request) {
		return run(() -> this.sqs.deleteMessageBatch(request));
	}

	@Override
	public CompletableFuture<ChangeMessageVisibilityBatchResponse> changeMessageVisibilityBatch(
			ChangeMessageVisibilityBatchRequest request) {
		return run(() -> this.sqs.changeMessageVisibilityBatch(request));
	}

	/** The container's {@code Visibility} of a single message, which a listener may be handed. */
	@Override
	public CompletableFuture<ChangeMessageVisibilityResponse> changeMessageVisibility(
			ChangeMessageVisibilityRequest request) {
		return run(() -> this.sqs.changeMessageVisibility(request));
	}

	@Override
	public CompletableFuture<SendMessageBatchResponse> sendMessageBatch(SendMessageBatchRequest request) {
		return run(() -> this.sqs.sendMessageBatch(request));
	}

	@Override
	public SqsServiceClientConfiguration serviceClientConfiguration() {
		return this.sqs.serviceClientConfiguration();
	}

	@Override
	public String serviceName() {
		return this.sqs.serviceName();
	}

	/** Stops taking calls, then closes the client, which aborts the connections of calls still running. */
	@Override
	public void close() {
		this.calls.shutdown();
		try {
			this.calls.awaitTermination(100, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.sqs.close();
		this.calls.shutdownNow();
	}

	private <T> CompletableFuture<T> run(Supplier<T> call) {
		CompletableFuture<T> answer = new CompletableFuture<>();
		try {
			this.calls.execute(() -> {
				try {
					answer.complete(call.get());
				}
				catch (Throwable ex) {
					answer.completeExceptionally(ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			answer.completeExceptionally(SdkClientException.create(this.calls.isShutdown()
					? "The SQS client is closed" : "Too many SQS calls waiting for a thread of the SQS client", ex));
		}
		return answer;
	}

	private static <T> CompletableFuture<T> unsupported(String operation) {
		return CompletableFuture.failedFuture(new UnsupportedOperationException(operation
				+ " is not supported by the service's synchronous SQS client; set logins.sqs-client "
				+ "(LOGINS_SQS_CLIENT) to async for the SDK's asynchronous client"));
	}

	@Override
	public CompletableFuture<AddPermissionResponse> addPermission(AddPermissionRequest request) {
		return unsupported("AddPermission");
	}

	@Override
	public CompletableFuture<CancelMessageMoveTaskResponse> cancelMessageMoveTask(
			CancelMessageMoveTaskRequest request) {
		return unsupported("CancelMessageMoveTask");
	}


	@Override
	public CompletableFuture<CreateQueueResponse> createQueue(CreateQueueRequest request) {
		return unsupported("CreateQueue");
	}

	@Override
	public CompletableFuture<DeleteMessageResponse> deleteMessage(DeleteMessageRequest request) {
		return unsupported("DeleteMessage");
	}

	@Override
	public CompletableFuture<DeleteQueueResponse> deleteQueue(DeleteQueueRequest request) {
		return unsupported("DeleteQueue");
	}

	@Override
	public CompletableFuture<ListDeadLetterSourceQueuesResponse> listDeadLetterSourceQueues(
			ListDeadLetterSourceQueuesRequest request) {
		return unsupported("ListDeadLetterSourceQueues");
	}

	@Override
	public CompletableFuture<ListMessageMoveTasksResponse> listMessageMoveTasks(ListMessageMoveTasksRequest request) {
		return unsupported("ListMessageMoveTasks");
	}

	@Override
	public CompletableFuture<ListQueueTagsResponse> listQueueTags(ListQueueTagsRequest request) {
		return unsupported("ListQueueTags");
	}

	@Override
	public CompletableFuture<ListQueuesResponse> listQueues(ListQueuesRequest request) {
		return unsupported("ListQueues");
	}

	@Override
	public CompletableFuture<ListQueuesResponse> listQueues() {
		return unsupported("ListQueues");
	}

	@Override
	public CompletableFuture<PurgeQueueResponse> purgeQueue(PurgeQueueRequest request) {
		return unsupported("PurgeQueue");
	}

	@Override
	public CompletableFuture<RemovePermissionResponse> removePermission(RemovePermissionRequest request) {
		return unsupported("RemovePermission");
	}

	@Override
	public CompletableFuture<SendMessageResponse> sendMessage(SendMessageRequest request) {
		return unsupported("SendMessage");
	}

	@Override
	public CompletableFuture<SetQueueAttributesResponse> setQueueAttributes(SetQueueAttributesRequest request) {
		return unsupported("SetQueueAttributes");
	}

	@Override
	public CompletableFuture<StartMessageMoveTaskResponse> startMessageMoveTask(StartMessageMoveTaskRequest request) {
		return unsupported("StartMessageMoveTask");
	}

	@Override
	public CompletableFuture<TagQueueResponse> tagQueue(TagQueueRequest request) {
		return unsupported("TagQueue");
	}

	@Override
	public CompletableFuture<UntagQueueResponse> untagQueue(UntagQueueRequest request) {
		return unsupported("UntagQueue");
	}

	@Override
	public SqsAsyncBatchManager batchManager() {
		throw new UnsupportedOperationException("The SQS batch manager is not supported by the service's "
				+ "synchronous SQS client; set logins.sqs-client (LOGINS_SQS_CLIENT) to async for the SDK's asynchronous client");
	}

}
