package com.loginetl.recover;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.loginetl.masking.MaskingMode;
import com.loginetl.masking.MaskingProperties;
import com.loginetl.masking.PiiField;
import com.loginetl.masking.PiiMasker;
import com.loginetl.support.LocalServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class KeyToolTest {

	@TempDir
	Path dir;

	@Test
	void keygenThenUnmaskRoundTripsThroughAKeysetFile() throws Exception {
		Tools.Run keygen = run(new String[] { "keygen" }, "", Map.of());
		assertThat(keygen.exit()).isZero();
		Path keyset = Files.writeString(this.dir.resolve("keyset.json"), keygen.out());
		PiiMasker masker = PiiMasker.from(new MaskingProperties(null, keyset));
		String ip = masker.mask(PiiField.IP, "199.172.111.135");
		String device = masker.mask(PiiField.DEVICE_ID, "593-47-5928");

		Tools.Run unmask = run(new String[] { "unmask", "--logins.masking.keyset-file=" + keyset, ip, device }, "",
				Map.of());

		assertThat(unmask.exit()).isZero();
		assertThat(unmask.out()).isEqualTo("199.172.111.135\n593-47-5928\n");
	}

	@Test
	void unmaskReadsTokensFromStdinAndTheKeysetFromTheEnvironment() {
		String keyset = run(new String[] { "keygen" }, "", Map.of()).out();
		PiiMasker masker = PiiMasker.from(new MaskingProperties(keyset, null));
		String stdin = masker.mask(PiiField.DEVICE_ID, "a") + "\n\n" + masker.mask(PiiField.IP, "10.1.2.3") + "\n";

		Tools.Run unmask = run(new String[] { "unmask" }, stdin, Map.of("LOGINS_MASKING_KEYSET", keyset));

		assertThat(unmask.exit()).isZero();
		assertThat(unmask.out()).isEqualTo("a\n10.1.2.3\n");
	}

	@Test
	void unmaskPrintsANetworkTokenAsTheNetworksCidr() {
		String keyset = run(new String[] { "keygen" }, "", Map.of()).out();
		PiiMasker masker = PiiMasker.from(new MaskingProperties(keyset, null));

		Tools.Run unmask = run(new String[] { "unmask", masker.mask(PiiField.IP_NETWORK, "10.1.2.3"),
				masker.mask(PiiField.IP_NETWORK, "2001:DB8:AB:CD::1") }, "", Map.of("LOGINS_MASKING_KEYSET", keyset));

		assertThat(unmask.exit()).isZero();
		assertThat(unmask.out()).isEqualTo("10.1.2.0/24\n2001:db8:ab::/48\n");
	}

	@Test
	void aForeignTokenKeepsTheLinesAlignedAndFails() {
		String keyset = run(new String[] { "keygen" }, "", Map.of()).out();
		PiiMasker masker = PiiMasker.from(new MaskingProperties(keyset, null));

		Tools.Run unmask = run(new String[] { "unmask", "bm90LWEtdG9rZW4", masker.mask(PiiField.IP, "10.1.2.3") }, "",
				Map.of("LOGINS_MASKING_KEYSET", keyset));

		assertThat(unmask.exit()).isEqualTo(1);
		assertThat(unmask.out()).isEqualTo("\n10.1.2.3\n");
		assertThat(unmask.err()).contains("token 1 was not made with this keyset");
	}

	@Test
	void unmaskWithoutAKeysetSaysWhichSettingIsMissing() {
		Tools.Run unmask = run(new String[] { "unmask", "abc" }, "", Map.of());

		assertThat(unmask.exit()).isEqualTo(1);
		assertThat(unmask.out()).isEmpty();
		assertThat(unmask.err()).contains("LOGINS_MASKING_KEYSET");
	}

	@Test
	void keygenMakesADifferentKeyEachTime() {
		assertThat(run(new String[] { "keygen" }, "", Map.of()).out())
			.isNotEqualTo(run(new String[] { "keygen" }, "", Map.of()).out())
			.contains("type.googleapis.com/google.crypto.tink.AesSivKey");
	}

	@Test
	void keygenIrreversibleMakesAPrfKeyset() {
		Tools.Run keygen = run(new String[] { "keygen", "--irreversible" }, "", Map.of());

		assertThat(keygen.exit()).isZero();
		assertThat(keygen.out()).contains("type.googleapis.com/google.crypto.tink.HmacPrfKey");
		assertThat(PiiMasker.from(new MaskingProperties(keygen.out(), null)).mode()).isEqualTo(MaskingMode.IRREVERSIBLE);
	}

	@Test
	void afterARotationNewTokensUseTheNewKeyAndUnmaskReadsTokensOfEveryKey() throws Exception {
		String original = run(new String[] { "keygen" }, "", Map.of()).out();
		Path file = Files.writeString(this.dir.resolve("keyset.json"), original);
		PiiMasker before = PiiMasker.from(new MaskingProperties(original, null));

		Tools.Run rotate = run(new String[] { "keygen", "--rotate", file.toString() }, "", Map.of());

		assertThat(rotate.exit()).isZero();
		PiiMasker after = PiiMasker.from(new MaskingProperties(rotate.out(), null));
		assertThat(after.primaryKeyId()).isNotEqualTo(before.primaryKeyId());
		assertThat(rotate.err()).contains("added key " + Integer.toUnsignedString(after.primaryKeyId()));
		String oldToken = before.mask(PiiField.IP, "10.1.2.3");
		String newToken = after.mask(PiiField.DEVICE_ID, "593-47-5928");
		assertThat(after.keyIdOf(oldToken)).hasValue(before.primaryKeyId());
		assertThat(after.keyIdOf(newToken)).hasValue(after.primaryKeyId());

		Tools.Run unmask = run(new String[] { "unmask", oldToken, newToken }, "", Map.of("LOGINS_MASKING_KEYSET", rotate.out()));

		assertThat(unmask.exit()).isZero();
		assertThat(unmask.out()).isEqualTo("10.1.2.3\n593-47-5928\n");
	}

	@Test
	void rotatingAnIrreversibleKeysetKeepsItIrreversible() throws Exception {
		String original = run(new String[] { "keygen", "--irreversible" }, "", Map.of()).out();

		Tools.Run rotate = run(new String[] { "keygen", "--rotate", "-" }, original, Map.of());

		assertThat(rotate.exit()).isZero();
		assertThat(rotate.err()).contains("irreversible");
		PiiMasker after = PiiMasker.from(new MaskingProperties(rotate.out(), null));
		assertThat(after.mode()).isEqualTo(MaskingMode.IRREVERSIBLE);
		assertThat(after.keyIdOf(PiiMasker.from(new MaskingProperties(original, null)).mask(PiiField.IP, "10.1.2.3")))
			.isPresent()
			.isNotEqualTo(java.util.OptionalInt.of(after.primaryKeyId()));
	}

	@Test
	void retiringKeepsThePrimaryKeyOnlyAndWarnsAboutTheOldTokens() throws Exception {
		String rotated = run(new String[] { "keygen", "--rotate", "-" }, run(new String[] { "keygen" }, "", Map.of()).out(),
				Map.of()).out();
		PiiMasker both = PiiMasker.from(new MaskingProperties(rotated, null));

		Tools.Run retire = run(new String[] { "keygen", "--retire", "-" }, rotated, Map.of());

		assertThat(retire.exit()).isZero();
		assertThat(retire.err()).contains("removed keys").contains("after remask");
		PiiMasker primaryOnly = PiiMasker.from(new MaskingProperties(retire.out(), null));
		assertThat(primaryOnly.primaryKeyId()).isEqualTo(both.primaryKeyId());
		assertThat(primaryOnly.unmask(both.mask(PiiField.IP, "10.1.2.3"))).isPresent();
	}

	@Test
	void rotatingAMissingFileSaysWhichFile() {
		Tools.Run rotate = run(new String[] { "keygen", "--rotate", this.dir.resolve("nope.json").toString() }, "", Map.of());

		assertThat(rotate.exit()).isEqualTo(1);
		assertThat(rotate.out()).isEmpty();
		assertThat(rotate.err()).contains("nope.json");
	}

	@Test
	void unmaskRefusesAnIrreversibleKeysetAndSaysWhy() {
		String keyset = run(new String[] { "keygen", "--irreversible" }, "", Map.of()).out();
		String token = PiiMasker.from(new MaskingProperties(keyset, null)).mask(PiiField.IP, "10.1.2.3");

		Tools.Run unmask = run(new String[] { "unmask", token }, "", Map.of("LOGINS_MASKING_KEYSET", keyset));

		assertThat(unmask.exit()).isEqualTo(1);
		assertThat(unmask.out()).isEmpty();
		assertThat(unmask.err()).contains("irreversible").contains("one-way").contains("cannot be read back");
	}

	@Test
	void unmaskReadsTheDevelopmentKeysetsTokensWhichAreNotSecret() {
		String keyset = LocalServices.devKeyset();
		String token = PiiMasker.from(new MaskingProperties(keyset, null, true)).mask(PiiField.IP, "10.1.2.3");

		Tools.Run unmask = run(new String[] { "unmask", token }, "", Map.of("LOGINS_MASKING_KEYSET", keyset));

		assertThat(unmask.exit()).isZero();
		assertThat(unmask.out()).isEqualTo("10.1.2.3\n");
	}

	@Test
	void keygenRejectsUnknownOptions() {
		assertThat(run(new String[] { "keygen", "--reversible" }, "", Map.of()).exit()).isEqualTo(2);
		assertThat(run(new String[] { "keygen", "--rotate" }, "", Map.of()).exit()).isEqualTo(2);
	}

	@Test
	void onlyItsOwnCommandsAreTools() {
		assertThat(KeyTool.handles(new String[] { "keygen" })).isTrue();
		assertThat(KeyTool.handles(new String[] { "unmask", "x" })).isTrue();
		assertThat(KeyTool.handles(new String[] { "remask" })).isTrue();
		assertThat(KeyTool.handles(new String[] {})).isFalse();
		assertThat(KeyTool.handles(new String[] { "--server.port=9000" })).isFalse();
	}

	private static Tools.Run run(String[] args, String stdin, Map<String, Object> env) {
		return Tools.run(args, stdin, env);
	}

}
