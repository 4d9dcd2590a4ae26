package com.loginetl.masking;

import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Map;

import com.google.crypto.tink.Aead;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DecryptRequest;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.EncryptRequest;

/**
 * Tink's {@link Aead} over one AWS KMS key, with AWS SDK v2 (Tink's own tink-awskms is built on
 * SDK v1, which is out of support). It follows Tink's AwsKmsAead so that the two read each other's
 * ciphertexts: the ciphertext is KMS's blob, and associated data travels as the encryption context
 * {@code associatedData = hex(associated data)}.
 * <p>
 * Decrypt names the key, so KMS itself refuses a blob of another key; and the key KMS says it used
 * must be this one, so a blob of another key that the caller may also decrypt is refused too.
 */
final class KmsAead implements Aead {

	static final String CONTEXT_KEY = "associatedData";

	private final KmsClient kms;

	private final String keyArn;

	KmsAead(KmsClient kms, String keyArn) {
		this.kms = kms;
		this.keyArn = keyArn;
	}

	@Override
	public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
		try {
			EncryptRequest.Builder request = EncryptRequest.builder()
				.keyId(this.keyArn)
				.plaintext(SdkBytes.fromByteArray(plaintext));
			if (hasContext(associatedData)) {
				request.encryptionContext(context(associatedData));
			}
			return this.kms.encrypt(request.build()).ciphertextBlob().asByteArray();
		}
		catch (SdkException ex) {
			throw new KmsCallException("Encrypt", ex);
		}
	}

	@Override
	public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
		DecryptResponse response;
		try {
			DecryptRequest.Builder request = DecryptRequest.builder()
				.keyId(this.keyArn)
				.ciphertextBlob(SdkBytes.fromByteArray(ciphertext));
			if (hasContext(associatedData)) {
				request.encryptionContext(context(associatedData));
			}
			response = this.kms.decrypt(request.build());
		}
		catch (SdkException ex) {
			throw new KmsCallException("Decrypt", ex);
		}
		if (!this.keyArn.equals(response.keyId())) {
			throw new WrongKeyException(response.keyId());
		}
		return response.plaintext().asByteArray();
	}

	/** Empty associated data is no context at all, as in Tink's AwsKmsAead. */
	private static boolean hasContext(byte[] associatedData) {
		return associatedData != null && associatedData.length > 0;
	}

	static Map<String, String> context(byte[] associatedData) {
		return Map.of(CONTEXT_KEY, HexFormat.of().formatHex(associatedData));
	}

	/** A KMS call that failed: KMS refused it, or it never got an answer. */
	static final class KmsCallException extends GeneralSecurityException {

		private final String operation;

		KmsCallException(String operation, SdkException cause) {
			super("KMS " + operation + " failed", cause);
			this.operation = operation;
		}

		String operation() {
			return this.operation;
		}

		SdkException sdkException() {
			return (SdkException) getCause();
		}

	}

	/** KMS decrypted with another key than the configured one. */
	static final class WrongKeyException extends GeneralSecurityException {

		private final String usedKeyId;

		WrongKeyException(String usedKeyId) {
			super("KMS decrypted with key " + usedKeyId + ", not the configured key");
			this.usedKeyId = usedKeyId;
		}

		String usedKeyId() {
			return this.usedKeyId;
		}

	}

}
