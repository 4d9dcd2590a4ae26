package com.loginetl.masking;

import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Parameters;
import com.google.crypto.tink.daead.DeterministicAeadConfig;
import com.google.crypto.tink.daead.PredefinedDeterministicAeadParameters;
import com.google.crypto.tink.prf.PredefinedPrfParameters;
import com.google.crypto.tink.prf.PrfConfig;

/**
 * Reading, making, rotating and trimming the Tink keysets that key the tokens. The keyset is the
 * secret itself, so its JSON is only ever read from configuration or printed by {@code keygen}:
 * cleartext, or encrypted under an AWS KMS key ({@link KeysetFormat}) when
 * {@code logins.masking.kms-key-uri} is set.
 */
public final class Keysets {

	static {
		try {
			DeterministicAeadConfig.register();
			PrfConfig.register();
		}
		catch (GeneralSecurityException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private Keysets() {
	}

	/** Makes sure Tink's primitives are registered (this class's initialiser does it). */
	static void registerPrimitives() {
	}

	/** A new reversible keyset with one AES256-SIV key, as Tink JSON. */
	public static String generate() {
		return generate(MaskingMode.REVERSIBLE);
	}

	/** A new keyset of {@code mode} with one key, as Tink JSON. */
	public static String generate(MaskingMode mode) {
		return generate(mode, KeysetFormat.cleartext());
	}

	/**
	 * A new keyset of {@code mode} with one key, as Tink JSON in the format the settings name:
	 * encrypted under {@code logins.masking.kms-key-uri} when it is set (a KMS Encrypt call).
	 */
	public static String generate(MaskingMode mode, MaskingProperties settings) {
		try (KeysetFormat format = KeysetFormat.of(settings)) {
			return generate(mode, format);
		}
	}

	private static String generate(MaskingMode mode, KeysetFormat format) {
		KeysetHandle keyset;
		try {
			keyset = KeysetHandle.generateNew(parameters(mode));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Tink could not generate a key for a " + mode.description() + " keyset", ex);
		}
		return format.write(keyset);
	}

	/**
	 * The keyset of {@code json} with a new key of the same kind added as its primary. The old keys
	 * stay, so tokens they made can still be read (reversible) or recognised (irreversible).
	 */
	public static String rotate(String json) {
		return rotate(json, KeysetFormat.cleartext());
	}

	/** As {@link #rotate(String)}, for a keyset in the format the settings name (read and written so). */
	public static String rotate(String json, MaskingProperties settings) {
		try (KeysetFormat format = KeysetFormat.of(settings)) {
			return rotate(json, format);
		}
	}

	private static String rotate(String json, KeysetFormat format) {
		KeysetHandle keyset = format.read(json);
		MaskingMode mode = KeysetPolicy.check(keyset);
		KeysetHandle rotated;
		try {
			rotated = KeysetHandle.newBuilder(keyset)
				.addEntry(KeysetHandle.generateEntryFromParameters(parameters(mode)).withRandomId().makePrimary())
				.build();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Tink could not add a key to the keyset", ex);
		}
		return format.write(rotated);
	}

	/** The keyset of {@code json} reduced to its primary key: what is left after retiring the others. */
	public static Retired retire(String json) {
		return retire(json, KeysetFormat.cleartext());
	}

	/** As {@link #retire(String)}, for a keyset in the format the settings name (read and written so). */
	public static Retired retire(String json, MaskingProperties settings) {
		try (KeysetFormat format = KeysetFormat.of(settings)) {
			return retire(json, format);
		}
	}

	private static Retired retire(String json, KeysetFormat format) {
		KeysetHandle keyset = format.read(json);
		KeysetPolicy.check(keyset);
		KeysetHandle.Builder builder = KeysetHandle.newBuilder(keyset);
		List<Integer> removed = new ArrayList<>();
		for (int i = keyset.size() - 1; i >= 0; i--) {
			if (!keyset.getAt(i).isPrimary()) {
				removed.add(0, keyset.getAt(i).getId());
				builder.deleteAt(i);
			}
		}
		KeysetHandle rest;
		try {
			rest = builder.build();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Tink could not rebuild the keyset", ex);
		}
		return new Retired(format.write(rest), keyset.getPrimary().getId(), removed);
	}

	/**
	 * The cleartext keyset of {@code json}, encrypted under the KMS key the settings name: how an
	 * operator moves an existing keyset under KMS. The keys stay the same, so do the tokens.
	 */
	public static String encrypt(String json, MaskingProperties settings) {
		if (!settings.encrypted()) {
			throw new MaskingKeyException("Encrypting a keyset needs a KMS key: set " + KmsKeyUri.SETTING
					+ " or pass --kms-key-uri=aws-kms://arn:aws:kms:REGION:ACCOUNT:key/KEY_ID.");
		}
		if (KeysetFormat.isEncryptedKeyset(json)) {
			throw new MaskingKeyException("The keyset is encrypted already (Tink's encrypted keyset format); "
					+ "keygen --encrypt takes a cleartext keyset.");
		}
		KeysetHandle keyset;
		try (KeysetFormat cleartext = KeysetFormat.cleartext()) {
			keyset = cleartext.read(json);
		}
		KeysetPolicy.check(keyset);
		try (KeysetFormat format = KeysetFormat.of(settings)) {
			return format.write(keyset);
		}
	}

	/**
	 * The keyset the properties point at, read: decrypted by AWS KMS when
	 * {@code logins.masking.kms-key-uri} is set (one KMS Decrypt call), cleartext otherwise. Every
	 * reader of the keyset comes here.
	 */
	public static KeysetHandle load(MaskingProperties properties) {
		try (KeysetFormat format = KeysetFormat.of(properties)) {
			return format.read(properties.keysetJson());
		}
	}

	static KeysetHandle parse(String json) {
		return KeysetFormat.cleartext().read(json);
	}

	private static Parameters parameters(MaskingMode mode) {
		return switch (mode) {
			case REVERSIBLE -> PredefinedDeterministicAeadParameters.AES256_SIV;
			case IRREVERSIBLE -> PredefinedPrfParameters.HMAC_SHA256_PRF;
		};
	}

	/**
	 * A keyset reduced to its primary key.
	 *
	 * @param json the remaining keyset as Tink JSON
	 * @param primaryKeyId the key that remains
	 * @param removedKeyIds the keys that were removed
	 */
	public record Retired(String json, int primaryKeyId, List<Integer> removedKeyIds) {
	}

}
