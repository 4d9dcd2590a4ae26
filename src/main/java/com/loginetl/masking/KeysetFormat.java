package com.loginetl.masking;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;

/**
 * How a keyset is written down: Tink's cleartext JSON, or Tink's encrypted keyset JSON whose key
 * material only AWS KMS can open ({@code logins.masking.kms-key-uri}). Reading checks that the
 * keyset is of the configured kind, and turns every way KMS can fail into a message that names the
 * setting to fix. Key material never reaches a message: only the key's ARN and KMS's error do.
 * <p>
 * The KMS client lives as long as this object: create it, read or write, close it.
 */
final class KeysetFormat implements AutoCloseable {

	/**
	 * Bound into every encrypted keyset (KMS sees it as the encryption context
	 * {@code associatedData = hex of these bytes}), so a blob encrypted under the same KMS key for
	 * another purpose is no masking keyset, and a key policy can allow decryption for this one only.
	 */
	static final byte[] ASSOCIATED_DATA = "login-etl masking keyset".getBytes(StandardCharsets.US_ASCII);

	static final String ENDPOINT_SETTING = "logins.masking.kms-endpoint (LOGINS_MASKING_KMS_ENDPOINT)";

	static final String TIMEOUT_SETTING = "logins.masking.kms-timeout (LOGINS_MASKING_KMS_TIMEOUT)";

	private static final String ENCRYPT_HOW = "'java -jar login-etl.jar keygen --encrypt FILE --kms-key-uri=URI'";

	private final KmsKeyUri key;

	private final URI endpoint;

	private final Duration timeout;

	private final KmsClient kms;

	private final DefaultCredentialsProvider credentials;

	private final Aead aead;

	private KeysetFormat(KmsKeyUri key, URI endpoint, Duration timeout) {
		this.key = key;
		this.endpoint = endpoint;
		this.timeout = timeout;
		if (key == null) {
			this.kms = null;
			this.credentials = null;
			this.aead = null;
			return;
		}
		if (timeout.isNegative() || timeout.isZero()) {
			throw new MaskingKeyException(TIMEOUT_SETTING + " is " + timeout + "; it must be positive.",
					"Set " + TIMEOUT_SETTING + " to a duration such as 10s, or unset it.", null);
		}
		// The SDK's default chain: environment, web identity (IRSA), profile, container, instance.
		this.credentials = DefaultCredentialsProvider.builder().build();
		KmsClientBuilder builder = KmsClient.builder()
			.region(Region.of(key.region()))
			.credentialsProvider(this.credentials)
			.overrideConfiguration((client) -> client.apiCallTimeout(timeout)
				.apiCallAttemptTimeout(timeout.dividedBy(2)));
		if (endpoint != null) {
			builder.endpointOverride(endpoint);
		}
		this.kms = builder.build();
		this.aead = new KmsAead(this.kms, key.arn());
	}

	/** The format the settings name: encrypted under their KMS key when one is set, cleartext otherwise. */
	static KeysetFormat of(MaskingProperties properties) {
		if (!properties.encrypted()) {
			return cleartext();
		}
		return new KeysetFormat(KmsKeyUri.parse(properties.kmsKeyUri().strip()), properties.kmsEndpoint(),
				properties.kmsTimeout());
	}

	static KeysetFormat cleartext() {
		return new KeysetFormat(null, null, null);
	}

	boolean encrypted() {
		return this.key != null;
	}

	/** Whether {@code json} is a keyset in Tink's encrypted keyset format (whatever its key). */
	static boolean isEncryptedKeyset(String json) {
		return Kind.of(json) == Kind.ENCRYPTED;
	}

	/** The keyset of {@code json}, which must be of this format. */
	KeysetHandle read(String json) {
		Keysets.registerPrimitives();
		Kind kind = Kind.of(json);
		if (kind == Kind.NEITHER) {
			throw new MaskingKeyException("The masking keyset is not a valid Tink JSON keyset (neither a cleartext "
					+ "keyset with \"key\" entries nor an encrypted one with \"encryptedKeyset\"). "
					+ MaskingProperties.HOW_TO_FIX);
		}
		if (this.key == null) {
			if (kind == Kind.ENCRYPTED) {
				throw new MaskingKeyException("The masking keyset is encrypted (Tink's encrypted keyset format), but "
						+ KmsKeyUri.SETTING + " is not set, so nothing can decrypt it.",
						"Set " + KmsKeyUri.SETTING + " to the KMS key the keyset was encrypted under "
								+ "(aws-kms://arn:aws:kms:REGION:ACCOUNT:key/KEY_ID); see docs/keys.md.",
						null);
			}
			try {
				return TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
			}
			catch (GeneralSecurityException | RuntimeException ex) {
				// Tink's parse errors never contain key material, but keep the message short and generic.
				throw new MaskingKeyException("The masking keyset is not a valid Tink JSON keyset ("
						+ ex.getClass().getSimpleName() + "). " + MaskingProperties.HOW_TO_FIX, ex);
			}
		}
		if (kind == Kind.CLEARTEXT) {
			throw new MaskingKeyException("The masking keyset is a cleartext keyset, but " + KmsKeyUri.SETTING
					+ " is set to " + this.key + ", so the keyset must be encrypted under that key.",
					"Encrypt the keyset with " + ENCRYPT_HOW + " and configure its output instead; see docs/keys.md.",
					null);
		}
		try {
			return TinkJsonProtoKeysetFormat.parseEncryptedKeyset(json, this.aead, ASSOCIATED_DATA);
		}
		catch (KmsAead.KmsCallException ex) {
			throw kmsFailed(ex);
		}
		catch (KmsAead.WrongKeyException ex) {
			throw wrongKey("KMS decrypted it with " + ex.usedKeyId(), ex);
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			throw new MaskingKeyException("The masking keyset is not a valid encrypted Tink keyset, or what " + this.key
					+ " decrypted is no keyset (" + ex.getClass().getSimpleName() + "): it is damaged.",
					"Configure the keyset file as keygen wrote it; see docs/keys.md.", ex);
		}
	}

	/** {@code keyset} written in this format: encrypted under the KMS key (a KMS Encrypt call), or cleartext. */
	String write(KeysetHandle keyset) {
		try {
			if (this.key == null) {
				return TinkJsonProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get());
			}
			return TinkJsonProtoKeysetFormat.serializeEncryptedKeyset(keyset, this.aead, ASSOCIATED_DATA);
		}
		catch (KmsAead.KmsCallException ex) {
			throw kmsFailed(ex);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Tink could not write the keyset", ex);
		}
	}

	@Override
	public void close() {
		if (this.kms != null) {
			this.kms.close();
			this.credentials.close();
		}
	}

	private MaskingKeyException wrongKey(String detail, Throwable cause) {
		return new MaskingKeyException("The masking keyset was encrypted under another KMS key than " + this.key.arn()
				+ ", the one " + KmsKeyUri.SETTING + " names (" + detail + ").",
				"Set " + KmsKeyUri.SETTING + " to the key the keyset was encrypted under, or configure the keyset "
						+ "that keygen wrote for " + this.key.arn() + ".",
				cause);
	}

	private MaskingKeyException kmsFailed(KmsAead.KmsCallException ex) {
		String operation = "kms:" + ex.operation();
		SdkException sdk = ex.sdkException();
		String arn = this.key.arn();
		if (sdk instanceof AwsServiceException service && service.awsErrorDetails() != null) {
			String code = service.awsErrorDetails().errorCode();
			String message = service.awsErrorDetails().errorMessage();
			String said = (message != null) ? code + ": " + message : code;
			return switch (code == null ? "" : code) {
				case "AccessDeniedException" -> new MaskingKeyException("AWS KMS refused " + operation + " on the "
						+ "masking keyset's key " + arn + ", named by " + KmsKeyUri.SETTING + ", to this AWS identity ("
						+ said + ").",
						"Allow " + operation + " on " + arn + " to the identity the service runs as (in Kubernetes "
								+ "the IAM role of its ServiceAccount, annotation eks.amazonaws.com/role-arn), in "
								+ "the role's policy and the key policy; see docs/keys.md.",
						ex);
				case "IncorrectKeyException" -> wrongKey(said, ex);
				case "InvalidCiphertextException" -> new MaskingKeyException("The masking keyset does not decrypt "
						+ "under " + arn + " (" + said + "): it was encrypted under another key or for another "
						+ "purpose, or it is damaged.",
						"Configure the keyset that keygen wrote for " + arn + ", or set " + KmsKeyUri.SETTING
								+ " to the key it was encrypted under.",
						ex);
				case "NotFoundException" -> new MaskingKeyException("AWS KMS has no key " + arn + " (" + said
						+ "); it is named by " + KmsKeyUri.SETTING + ".",
						"Check the key's ARN (region, account, key id) in " + KmsKeyUri.SETTING + ".", ex);
				case "DisabledException" -> new MaskingKeyException("The KMS key " + arn + ", named by "
						+ KmsKeyUri.SETTING + ", is disabled (" + said + ").",
						"Enable it ('aws kms enable-key --key-id " + arn + "'), or name another key.", ex);
				case "KMSInvalidStateException" -> new MaskingKeyException("The KMS key " + arn + ", named by "
						+ KmsKeyUri.SETTING + ", cannot be used in its present state (" + said + "), e.g. it is "
						+ "pending deletion.",
						"Cancel its deletion ('aws kms cancel-key-deletion', then enable-key), or name another key.",
						ex);
				default -> new MaskingKeyException("AWS KMS refused " + operation + " on " + arn + ", the key named by "
						+ KmsKeyUri.SETTING + " (" + said + ").",
						"Check the service's AWS credentials and the key; see docs/keys.md.", ex);
			};
		}
		String root = rootCause(sdk);
		if (String.valueOf(sdk.getMessage()).contains("Unable to load credentials")
				|| root.contains("Unable to load credentials")) {
			return new MaskingKeyException("No AWS credentials were found for " + operation + " on " + arn + ", the key "
					+ "named by " + KmsKeyUri.SETTING + ".",
					"Run with an AWS identity allowed " + operation + " on the key: in Kubernetes an IAM role for "
							+ "the ServiceAccount (IRSA), elsewhere AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or a "
							+ "profile (the SDK's default credentials chain).",
					ex);
		}
		return new MaskingKeyException("AWS KMS at " + endpointDescription() + " cannot be reached for "
				+ operation + " on " + arn + " (" + root + "; a call is given up after " + this.timeout.toMillis()
				+ " ms, the limit set by " + TIMEOUT_SETTING + ").",
				"Check the network path to KMS (a VPC endpoint is set with " + ENDPOINT_SETTING + ") and "
						+ KmsKeyUri.SETTING + "'s region, then start again.",
				ex);
	}

	private String endpointDescription() {
		return (this.endpoint != null) ? this.endpoint + ", named by " + ENDPOINT_SETTING + ","
				: "https://kms." + this.key.region() + ".amazonaws.com (the region of " + KmsKeyUri.SETTING + ")";
	}

	private static String rootCause(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root.getClass().getSimpleName() + ": " + root.getMessage();
	}

	/** What a keyset's JSON holds, told apart by its top-level members (nothing else of it is looked at). */
	private enum Kind {

		CLEARTEXT, ENCRYPTED, NEITHER;

		static Kind of(String json) {
			JsonElement parsed;
			try {
				parsed = JsonParser.parseString(json);
			}
			catch (RuntimeException notJson) {
				return NEITHER;
			}
			if (!(parsed instanceof JsonObject object)) {
				return NEITHER;
			}
			if (object.has("encryptedKeyset")) {
				return ENCRYPTED;
			}
			return object.has("key") ? CLEARTEXT : NEITHER;
		}

	}

}
