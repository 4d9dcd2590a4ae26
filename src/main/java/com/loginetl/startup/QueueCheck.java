package com.loginetl.startup;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.loginetl.ingest.IngestProperties;
import com.loginetl.ingest.QueueUrls;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Asks SQS for both queues, the source queue and the dead-letter queue, and turns a failure into a
 * report that names the setting to fix: endpoint unreachable, credentials refused or missing,
 * access denied, queue missing. The service never creates a queue.
 */
final class QueueCheck {

	/** Error codes of SQS (JSON and query protocols) that mean "these credentials are not valid". */
	private static final Set<String> CREDENTIALS_REFUSED = Set.of("InvalidClientTokenId", "UnrecognizedClientException",
			"SignatureDoesNotMatch", "InvalidSignatureException", "IncompleteSignature", "ExpiredToken",
			"ExpiredTokenException", "InvalidAccessKeyId", "MissingAuthenticationToken", "InvalidSecurity");

	private static final Set<String> ACCESS_DENIED = Set.of("AccessDenied", "AccessDeniedException",
			"KmsAccessDenied");

	private static final int CONNECT_PROBE_TIMEOUT_MILLIS = 2000;

	private final SqsAsyncClient sqs;

	private final QueueUrls queueUrls;

	private final IngestProperties properties;

	QueueCheck(SqsAsyncClient sqs, QueueUrls queueUrls, IngestProperties properties) {
		this.sqs = sqs;
		this.queueUrls = queueUrls;
		this.properties = properties;
	}

	/** @return e.g. {@code source queue login-queue at http://localhost:9324} */
	String sourceQueue() {
		return check("source queue", Setting.QUEUE, this.properties.queue());
	}

	/** @return e.g. {@code dead-letter queue login-queue-dlq at http://localhost:9324} */
	String deadLetterQueue() {
		return check("dead-letter queue", Setting.DEAD_LETTER_QUEUE, this.properties.deadLetterQueue());
	}

	private String check(String role, Setting setting, String queue) {
		try {
			String url = this.queueUrls.resolve(queue);
			this.sqs.getQueueAttributes((request) -> request.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
				.orTimeout(this.properties.sqsTimeout().toMillis(), TimeUnit.MILLISECONDS)
				.join();
			return role + " " + queue + " (" + setting.property() + ") at " + endpoint();
		}
		catch (CompletionException ex) {
			throw explain(role, setting, queue, (ex.getCause() != null) ? ex.getCause() : ex);
		}
	}

	private RuntimeException explain(String role, Setting setting, String queue, Throwable failure) {
		String endpoint = endpoint();
		String credentials = "Check " + Setting.ACCESS_KEY + " and " + Setting.SECRET_KEY
				+ ". Without them, the AWS default credentials chain applies (AWS_ACCESS_KEY_ID and "
				+ "AWS_SECRET_ACCESS_KEY, a profile, or the pod's IAM role).";
		if (failure instanceof QueueDoesNotExistException) {
			return new StartupCheckException("The " + role + " '" + queue + "', named by " + setting
					+ ", does not exist at " + endpoint + ".",
					"Create the queue, or set " + setting + " to the name or URL of an existing queue. "
							+ "The service never creates queues.",
					failure);
		}
		if (failure instanceof AwsServiceException service && service.awsErrorDetails() != null) {
			String code = String.valueOf(service.awsErrorDetails().errorCode());
			String reason = code + ": " + service.awsErrorDetails().errorMessage();
			if (CREDENTIALS_REFUSED.contains(code)) {
				return new StartupCheckException(
						"SQS at " + endpoint + " refused the service's AWS credentials (" + reason + ").", credentials,
						failure);
			}
			if (ACCESS_DENIED.contains(code)) {
				return new StartupCheckException("SQS at " + endpoint + " denied these credentials access to the "
						+ role + " '" + queue + "', named by " + setting + " (" + reason + ").",
						"Allow the service's AWS identity sqs:GetQueueUrl and sqs:GetQueueAttributes on the queue, "
								+ "and the other actions docs/deployment.md lists.",
						failure);
			}
		}
		String unresolved = (failure instanceof TimeoutException || failure instanceof SdkClientException)
				? unresolvedHost(failure) : null;
		if (unresolved != null) {
			return new StartupCheckException("SQS at " + endpoint + ", named by " + Setting.SQS_ENDPOINT
					+ ", cannot be reached: its host name, '" + unresolved + "', does not resolve: the DNS knows "
					+ "no such host.", unreachableAction(), failure);
		}
		if (failure instanceof TimeoutException) {
			return new StartupCheckException("SQS at " + endpoint + " did not answer within "
					+ this.properties.sqsTimeout().toMillis() + " ms, the limit set by " + Setting.SQS_TIMEOUT
					+ ", when asked for the " + role + " '" + queue + "', named by " + setting + ".",
					unreachableAction(), failure);
		}
		if (failure instanceof SdkClientException client) {
			if (String.valueOf(client.getMessage()).startsWith("Unable to load credentials")) {
				return new StartupCheckException("No AWS credentials were found for SQS at " + endpoint + ".",
						credentials, failure);
			}
			return new StartupCheckException("SQS at " + endpoint + ", named by " + Setting.SQS_ENDPOINT
					+ ", cannot be reached: " + connectFailure().orElseGet(() -> DatabaseLoginCheck.rootMessage(failure)) + ".",
					unreachableAction(), failure);
		}
		return new IllegalStateException("The " + role + " '" + queue + "', named by " + setting + ", cannot be checked at "
				+ endpoint + ": " + failure, failure);
	}

	private static String unreachableAction() {
		return "Check " + Setting.SQS_ENDPOINT + ": unset, the service uses AWS's endpoint for "
				+ Setting.REGION + "; for an SQS-compatible server, set its URL (such as http://localhost:9324) "
				+ "and check that it runs. On a slow network, raise " + Setting.SQS_TIMEOUT + ".";
	}

	private String endpoint() {
		var configuration = this.sqs.serviceClientConfiguration();
		return configuration.endpointOverride()
			.map(URI::toString)
			.orElseGet(() -> "AWS's endpoint for region " + configuration.region());
	}

	/**
	 * The endpoint's host when it does not resolve. Asked again here: the SDK does not always say
	 * so (under load its pool has reported only that acquiring a connection took too long).
	 */
	private String unresolvedHost(Throwable failure) {
		URI endpoint = this.sqs.serviceClientConfiguration().endpointOverride().orElse(null);
		String host = (endpoint != null) ? endpoint.getHost() : null;
		if (host == null) {
			return (DatabaseLoginCheck.findCause(failure, UnknownHostException.class) != null)
					? "sqs." + this.sqs.serviceClientConfiguration().region() + ".amazonaws.com" : null;
		}
		try {
			InetAddress.getByName(host);
			return (DatabaseLoginCheck.findCause(failure, UnknownHostException.class) != null) ? host : null;
		}
		catch (UnknownHostException ex) {
			return host;
		}
	}

	/**
	 * Why a TCP connection to the configured endpoint fails, if it does. The SDK's own answer may
	 * be only that its connection pool waited too long (seen on a loaded machine), which hides the
	 * "Connection refused" an operator needs.
	 */
	private Optional<String> connectFailure() {
		URI endpoint = this.sqs.serviceClientConfiguration().endpointOverride().orElse(null);
		if (endpoint == null || endpoint.getHost() == null) {
			return Optional.empty();
		}
		int port = (endpoint.getPort() > 0) ? endpoint.getPort() : ("https".equals(endpoint.getScheme()) ? 443 : 80);
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(endpoint.getHost(), port), CONNECT_PROBE_TIMEOUT_MILLIS);
			return Optional.empty();
		}
		catch (IOException ex) {
			return Optional.of(DatabaseLoginCheck.firstLine(String.valueOf(ex.getMessage())));
		}
	}

}
