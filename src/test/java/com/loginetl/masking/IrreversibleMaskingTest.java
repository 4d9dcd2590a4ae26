package com.loginetl.masking;

import java.util.Base64;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A PRF (HMAC-SHA256) keyset makes one-way tokens with the same matching properties. */
class IrreversibleMaskingTest {

	private final PiiMasker masker = PiiMasker.from(new MaskingProperties(Keysets.generate(MaskingMode.IRREVERSIBLE), null));

	@Test
	void theModeFollowsTheKeysetsType() {
		assertThat(this.masker.mode()).isEqualTo(MaskingMode.IRREVERSIBLE);
		assertThat(PiiMasker.from(new MaskingProperties(Keysets.generate(), null)).mode())
			.isEqualTo(MaskingMode.REVERSIBLE);
	}

	@Test
	void ipAddressesAreCanonicalisedFirst() {
		assertThat(this.masker.mask(PiiField.IP, "2001:DB8::1"))
			.isEqualTo(this.masker.mask(PiiField.IP, "2001:0db8:0:0:0:0:0:1"));
		assertThat(this.masker.mask(PiiField.IP, "::ffff:192.0.2.1")).isEqualTo(this.masker.mask(PiiField.IP, "192.0.2.1"));
	}

	@Test
	void tokensHaveOneLengthAndNameTheirKey() {
		String longest = this.masker.mask(PiiField.DEVICE_ID, "d".repeat(PiiMasker.MAX_VALUE_BYTES));
		String shortest = this.masker.mask(PiiField.DEVICE_ID, "");

		assertThat(longest).matches("[A-Za-z0-9_-]{50}");
		assertThat(shortest).hasSize(50);
		byte[] raw = Base64.getUrlDecoder().decode(longest);
		assertThat(raw[0]).isEqualTo((byte) 0x02);
		assertThat(this.masker.keyIdOf(longest)).hasValue(this.masker.primaryKeyId());
		assertThat(this.masker.madeByPrimaryKey(longest)).isTrue();
	}

	@Test
	void anotherKeyGivesOtherTokens() {
		PiiMasker other = PiiMasker.from(new MaskingProperties(Keysets.generate(MaskingMode.IRREVERSIBLE), null));

		assertThat(other.mask(PiiField.IP, "10.0.0.1")).isNotEqualTo(this.masker.mask(PiiField.IP, "10.0.0.1"));
	}

	@Test
	void aRotatedKeysetMakesTokensWithTheNewKeyAndRecognisesTheOldOnes() {
		String keyset = Keysets.generate(MaskingMode.IRREVERSIBLE);
		PiiMasker before = PiiMasker.from(new MaskingProperties(keyset, null));
		PiiMasker after = PiiMasker.from(new MaskingProperties(Keysets.rotate(keyset), null));
		String oldToken = before.mask(PiiField.IP, "10.0.0.1");

		assertThat(after.mode()).isEqualTo(MaskingMode.IRREVERSIBLE);
		assertThat(after.primaryKeyId()).isNotEqualTo(before.primaryKeyId());
		assertThat(after.mask(PiiField.IP, "10.0.0.1")).isNotEqualTo(oldToken);
		assertThat(after.keyIdOf(oldToken)).hasValue(before.primaryKeyId());
		assertThat(after.madeByPrimaryKey(oldToken)).isFalse();
	}

	@Test
	void tokensCannotBeReadBackOrRewrittenAndTheMessageSaysWhy() {
		String token = this.masker.mask(PiiField.IP, "10.0.0.1");

		assertThatThrownBy(() -> this.masker.unmask(token)).isInstanceOf(UnsupportedOperationException.class)
			.hasMessageContaining("irreversible")
			.hasMessageContaining("one-way");
		assertThatThrownBy(() -> this.masker.remask(PiiField.IP, token))
			.isInstanceOf(UnsupportedOperationException.class)
			.hasMessageContaining("cannot be rewritten");
	}

}
