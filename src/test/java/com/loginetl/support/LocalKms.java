package com.loginetl.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * A local stand-in for AWS KMS, for tests: an HTTP server that speaks KMS's JSON 1.1 protocol as
 * AWS documents it (POST /, {@code X-Amz-Target: TrentService.Encrypt}, {@code Decrypt} or
 * {@code GenerateDataKey}, Base64 blobs, errors as {@code {"__type": ..., "message": ...}} with HTTP
 * 400) and accepts only requests signed (SigV4, service {@code kms}) with its access key: it signs
 * each request again with the SDK's own signer and compares the signatures.
 * <p>
 * Its ciphertext is its own: {@code "LKMS" | key ARN length (2) | key ARN | IV (12) | AES-GCM}
 * under a random 256-bit key per KMS key, with the ARN and the encryption context as associated
 * data, so a blob names its key and does not open under another key or context. Switches refuse
 * access, disable or schedule a key for deletion, or make it answer with another key id than the
 * one it used (as no real KMS would, to test the client's own check).
 */
public final class LocalKms implements AutoCloseable {

	public static final String ACCESS_KEY = "AKIALOCALKMSTEST0001";

	public static final String SECRET_KEY = "local-kms-test-secret-key";

	public static final String REGION = "eu-west-1";

	private static final String ACCOUNT = "111122223333";

	private static final byte[] MAGIC = "LKMS".getBytes(StandardCharsets.US_ASCII);

	private static final Pattern AUTHORIZATION = Pattern.compile(
			"AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})");

	private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
		.withZone(ZoneOffset.UTC);

	private final SecureRandom random = new SecureRandom();

	private final Map<String, byte[]> keys = new ConcurrentHashMap<>();

	private final Set<String> disabled = ConcurrentHashMap.newKeySet();

	private final Set<String> pendingDeletion = ConcurrentHashMap.newKeySet();

	private final List<Call> calls = new CopyOnWriteArrayList<>();

	private final HttpServer server;

	private final ExecutorService executor = Executors.newFixedThreadPool(2);

	private volatile boolean denyAccess;

	private volatile String answerKeyId;

	private LocalKms(HttpServer server) {
		this.server = server;
	}

	public static LocalKms start() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			LocalKms kms = new LocalKms(server);
			server.createContext("/", kms::handle);
			server.setExecutor(kms.executor);
			server.start();
			return kms;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Makes this server's access key the JVM's AWS credentials (the system properties the SDK's
	 * default chain reads first) until the returned handle is closed.
	 */
	public static AutoCloseable credentialsAsSystemProperties() {
		System.setProperty("aws.accessKeyId", ACCESS_KEY);
		System.setProperty("aws.secretAccessKey", SECRET_KEY);
		return () -> {
			System.clearProperty("aws.accessKeyId");
			System.clearProperty("aws.secretAccessKey");
		};
	}

	/** The environment variables that give a process this server's access key. */
	public static Map<String, String> credentialsEnvironment() {
		return Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY);
	}

	/** Where the SDK's KmsClient is pointed: {@code logins.masking.kms-endpoint}. */
	public URI endpoint() {
		return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort());
	}

	/** A new symmetric key; its ARN. */
	public String createKey() {
		String arn = "arn:aws:kms:" + REGION + ":" + ACCOUNT + ":key/" + UUID.randomUUID();
		byte[] key = new byte[32];
		this.random.nextBytes(key);
		this.keys.put(arn, key);
		return arn;
	}

	/** {@code logins.masking.kms-key-uri} of a key. */
	public static String uri(String arn) {
		return "aws-kms://" + arn;
	}

	/** Every request is refused with AccessDeniedException while set. */
	public void denyAccess(boolean deny) {
		this.denyAccess = deny;
	}

	public void disable(String arn) {
		this.disabled.add(arn);
	}

	public void scheduleDeletion(String arn) {
		this.pendingDeletion.add(arn);
	}

	/** Decrypt answers that it used {@code keyId} (null: the key it used, as KMS does). */
	public void answerDecryptWithKeyId(String keyId) {
		this.answerKeyId = keyId;
	}

	/** The requests answered so far, oldest first. */
	public List<Call> calls() {
		return List.copyOf(this.calls);
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			byte[] body = exchange.getRequestBody().readAllBytes();
			String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
			String operation = (target != null && target.startsWith("TrentService.")) ? target.substring(13) : null;
			Reply reply;
			try {
				reply = answer(exchange, operation, body);
			}
			catch (Refusal refusal) {
				reply = new Reply(refusal.status, error(refusal.type, refusal.getMessage()));
			}
			catch (RuntimeException | GeneralSecurityException ex) {
				reply = new Reply(500, error("KMSInternalException", ex.toString()));
			}
			this.calls.add(new Call(operation, reply.status(), reply.errorType()));
			byte[] answer = reply.body().toString().getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
			exchange.getResponseHeaders().add("x-amzn-RequestId", UUID.randomUUID().toString());
			exchange.sendResponseHeaders(reply.status(), answer.length);
			exchange.getResponseBody().write(answer);
		}
	}

	private Reply answer(HttpExchange exchange, String operation, byte[] body)
			throws Refusal, GeneralSecurityException {
		if (!"POST".equals(exchange.getRequestMethod()) || !"/".equals(exchange.getRequestURI().getPath())) {
			throw new Refusal(404, "UnknownOperationException", "KMS answers POST / only");
		}
		if (!"application/x-amz-json-1.1".equals(exchange.getRequestHeaders().getFirst("Content-Type"))) {
			throw new Refusal(400, "SerializationException", "Content-Type must be application/x-amz-json-1.1");
		}
		checkSignature(exchange, body);
		if (this.denyAccess) {
			throw new Refusal(400, "AccessDeniedException", "User: arn:aws:iam::" + ACCOUNT
					+ ":user/test is not authorized to perform: kms:" + operation + " because no identity-based policy "
					+ "allows the kms:" + operation + " action");
		}
		JsonObject request = JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonObject();
		Map<String, String> context = context(request);
		JsonObject response = new JsonObject();
		switch (operation == null ? "" : operation) {
			case "Encrypt" -> {
				String arn = usableKey(string(request, "KeyId"));
				response.addProperty("CiphertextBlob", base64(seal(arn, blob(request, "Plaintext"), context)));
				response.addProperty("KeyId", arn);
				response.addProperty("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
			}
			case "GenerateDataKey" -> {
				String arn = usableKey(string(request, "KeyId"));
				int bytes = request.has("NumberOfBytes") ? request.get("NumberOfBytes").getAsInt()
						: "AES_128".equals(string(request, "KeySpec")) ? 16 : 32;
				byte[] plaintext = new byte[bytes];
				this.random.nextBytes(plaintext);
				response.addProperty("CiphertextBlob", base64(seal(arn, plaintext, context)));
				response.addProperty("Plaintext", base64(plaintext));
				response.addProperty("KeyId", arn);
			}
			case "Decrypt" -> {
				byte[] blob = blob(request, "CiphertextBlob");
				String arn = keyOf(blob);
				String asked = request.has("KeyId") ? string(request, "KeyId") : null;
				if (asked != null && !arn.equals(resolve(asked))) {
					throw new Refusal(400, "IncorrectKeyException",
							"The key ID in the request does not identify a CMK that can perform this operation.");
				}
				usableKey(arn);
				response.addProperty("Plaintext", base64(open(arn, blob, context)));
				response.addProperty("KeyId", (this.answerKeyId != null) ? this.answerKeyId : arn);
				response.addProperty("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
			}
			default -> throw new Refusal(400, "UnknownOperationException", "Unknown operation " + operation);
		}
		return new Reply(200, response);
	}

	/**
	 * The request must carry a SigV4 signature of service kms, made with this server's key: the
	 * SDK's signer signs the request's signed headers and body again at its X-Amz-Date, and the
	 * signatures must be equal.
	 */
	private void checkSignature(HttpExchange exchange, byte[] body) throws Refusal {
		String authorization = exchange.getRequestHeaders().getFirst("Authorization");
		Matcher parts = (authorization != null) ? AUTHORIZATION.matcher(authorization) : null;
		if (parts == null || !parts.matches()) {
			throw new Refusal(400, "MissingAuthenticationTokenException", "Request is missing a SigV4 Authorization");
		}
		if (!ACCESS_KEY.equals(parts.group(1))) {
			throw new Refusal(400, "UnrecognizedClientException", "The security token included in the request is invalid.");
		}
		if (!"kms".equals(parts.group(4)) || !REGION.equals(parts.group(3))) {
			throw new Refusal(400, "InvalidSignatureException",
					"Credential should be scoped to a valid region and service kms, not " + parts.group(3) + "/"
							+ parts.group(4));
		}
		List<String> signedHeaders = List.of(parts.group(5).split(";"));
		if (!signedHeaders.containsAll(List.of("host", "x-amz-date", "x-amz-target", "content-type"))) {
			throw new Refusal(400, "InvalidSignatureException", "Signed headers lack host, x-amz-date, x-amz-target "
					+ "or content-type: " + signedHeaders);
		}
		String amzDate = exchange.getRequestHeaders().getFirst("X-Amz-Date");
		SdkHttpRequest.Builder request = SdkHttpRequest.builder()
			.method(SdkHttpMethod.POST)
			.uri(URI.create("http://" + exchange.getRequestHeaders().getFirst("Host") + "/"));
		for (String header : signedHeaders) {
			List<String> values = exchange.getRequestHeaders().get(header);
			if (values == null) {
				throw new Refusal(400, "InvalidSignatureException", "Signed header " + header + " is missing");
			}
			request.putHeader(header, values);
		}
		String signed = AwsV4HttpSigner.create()
			.sign((sign) -> sign.identity(AwsCredentialsIdentity.create(ACCESS_KEY, SECRET_KEY))
				.request(request.build())
				.payload(ContentStreamProvider.fromByteArray(body))
				.putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "kms")
				.putProperty(AwsV4HttpSigner.REGION_NAME, parts.group(3))
				.putProperty(HttpSigner.SIGNING_CLOCK,
						Clock.fixed(ZonedDateTime.parse(amzDate, AMZ_DATE).toInstant(), ZoneOffset.UTC)))
			.request()
			.firstMatchingHeader("Authorization")
			.orElse("");
		Matcher expected = AUTHORIZATION.matcher(signed);
		if (!expected.matches() || !expected.group(6).equals(parts.group(6))) {
			throw new Refusal(400, "InvalidSignatureException", "The request signature we calculated does not match "
					+ "the signature you provided.");
		}
	}

	private String usableKey(String keyId) throws Refusal {
		String arn = resolve(keyId);
		if (!this.keys.containsKey(arn)) {
			throw new Refusal(400, "NotFoundException", "Key '" + arn + "' does not exist");
		}
		if (this.disabled.contains(arn)) {
			throw new Refusal(400, "DisabledException", arn + " is disabled.");
		}
		if (this.pendingDeletion.contains(arn)) {
			throw new Refusal(400, "KMSInvalidStateException", arn + " is pending deletion.");
		}
		return arn;
	}

	/** A key id or key ARN as its ARN. */
	private static String resolve(String keyId) {
		return keyId.startsWith("arn:") ? keyId : "arn:aws:kms:" + REGION + ":" + ACCOUNT + ":key/" + keyId;
	}

	private byte[] seal(String arn, byte[] plaintext, Map<String, String> context) throws GeneralSecurityException {
		byte[] name = arn.getBytes(StandardCharsets.UTF_8);
		byte[] iv = new byte[12];
		this.random.nextBytes(iv);
		Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
		cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(this.keys.get(arn), "AES"), new GCMParameterSpec(128, iv));
		cipher.updateAAD(associatedData(name, context));
		byte[] sealed = cipher.doFinal(plaintext);
		return ByteBuffer.allocate(MAGIC.length + 2 + name.length + iv.length + sealed.length)
			.put(MAGIC)
			.putShort((short) name.length)
			.put(name)
			.put(iv)
			.put(sealed)
			.array();
	}

	private static String keyOf(byte[] blob) throws Refusal {
		if (blob.length < MAGIC.length + 2 || !Arrays.equals(blob, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
			throw invalidCiphertext();
		}
		ByteBuffer buffer = ByteBuffer.wrap(blob, MAGIC.length, blob.length - MAGIC.length);
		int length = buffer.getShort();
		if (length <= 0 || buffer.remaining() < length + 12 + 16) {
			throw invalidCiphertext();
		}
		byte[] name = new byte[length];
		buffer.get(name);
		return new String(name, StandardCharsets.UTF_8);
	}

	private byte[] open(String arn, byte[] blob, Map<String, String> context) throws Refusal {
		byte[] name = arn.getBytes(StandardCharsets.UTF_8);
		int offset = MAGIC.length + 2 + name.length;
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(this.keys.get(arn), "AES"),
					new GCMParameterSpec(128, blob, offset, 12));
			cipher.updateAAD(associatedData(name, context));
			return cipher.doFinal(blob, offset + 12, blob.length - offset - 12);
		}
		catch (GeneralSecurityException tamperedOrOtherContext) {
			throw invalidCiphertext();
		}
	}

	private static byte[] associatedData(byte[] name, Map<String, String> context) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes(name);
		new TreeMap<>(context).forEach((key, value) -> out
			.writeBytes(("\n" + key + "=" + value).getBytes(StandardCharsets.UTF_8)));
		return out.toByteArray();
	}

	private static Refusal invalidCiphertext() {
		return new Refusal(400, "InvalidCiphertextException", null);
	}

	private static Map<String, String> context(JsonObject request) {
		Map<String, String> context = new TreeMap<>();
		if (request.has("EncryptionContext")) {
			for (Map.Entry<String, JsonElement> entry : request.getAsJsonObject("EncryptionContext").entrySet()) {
				context.put(entry.getKey(), entry.getValue().getAsString());
			}
		}
		return context;
	}

	private static String string(JsonObject request, String member) throws Refusal {
		if (!request.has(member)) {
			throw new Refusal(400, "ValidationException", member + " is required");
		}
		return request.get(member).getAsString();
	}

	private static byte[] blob(JsonObject request, String member) throws Refusal {
		return Base64.getDecoder().decode(string(request, member));
	}

	private static String base64(byte[] bytes) {
		return Base64.getEncoder().encodeToString(bytes);
	}

	private static JsonObject error(String type, String message) {
		JsonObject error = new JsonObject();
		error.addProperty("__type", type);
		if (message != null) {
			error.addProperty("message", message);
		}
		return error;
	}

	/** One request: its operation (Encrypt, Decrypt, ...), the HTTP status and the error type, if any. */
	public record Call(String operation, int status, String errorType) {
	}

	private record Reply(int status, JsonObject body) {

		String errorType() {
			return this.body.has("__type") ? this.body.get("__type").getAsString() : null;
		}

	}

	private static final class Refusal extends Exception {

		private final int status;

		private final String type;

		Refusal(int status, String type, String message) {
			super(message, null, false, false);
			this.status = status;
			this.type = type;
		}

	}

}
