package com.loginetl.masking;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * The keyset's start-up check: opens the keyset as the service does ({@link PiiMasker#from}, one
 * KMS Decrypt call for an encrypted keyset) and keeps the masker, which the service's context then
 * takes instead of opening the keyset again ({@link CheckedKeyset}).
 */
public final class KeysetCheck {

	private final Supplier<MaskingProperties> settings;

	private CheckedKeyset checked;

	public KeysetCheck(Supplier<MaskingProperties> settings) {
		this.settings = settings;
	}

	/**
	 * @return what was found, e.g. {@code masking keyset: reversible (...) with primary key 123, decrypted by AWS KMS key arn:...}
	 * @throws MaskingKeyException when the keyset is missing, unreadable or unusable
	 */
	public String check() {
		MaskingProperties properties = this.settings.get();
		PiiMasker masker = PiiMasker.from(properties);
		this.checked = new CheckedKeyset(masker);
		return "masking keyset: " + describe(masker, properties);
	}

	/** The masker of a keyset that passed the check; empty before, or after a failure. */
	public Optional<CheckedKeyset> checked() {
		return Optional.ofNullable(this.checked);
	}

	/** The keyset's mode, its primary key and how it was opened; never key material. */
	static String describe(PiiMasker masker, MaskingProperties properties) {
		return masker.mode().description() + " with primary key " + Integer.toUnsignedString(masker.primaryKeyId())
				+ ", keyset " + (properties.encrypted()
						? "decrypted by AWS KMS key " + KmsKeyUri.parse(properties.kmsKeyUri().strip()).arn()
						: "in cleartext");
	}

	/**
	 * The masker the start-up checks made from the keyset, handed to the service's context.
	 *
	 * @param masker the masker
	 */
	public record CheckedKeyset(PiiMasker masker) {
	}

}
