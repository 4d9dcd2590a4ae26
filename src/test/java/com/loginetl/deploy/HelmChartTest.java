package com.loginetl.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The Helm chart rendered by Helm itself (helm-java, in-process, no cluster) for its defaults
 * and for an "everything on" values file, linted strictly, every built-in object read strictly
 * into Kubernetes' model and every custom resource checked against its CRD's schema.
 */
class HelmChartTest {

	private static final Path EVERYTHING_ON = DeployFiles.resource("deploy/values-everything-on.yaml");

	private static final String FULLNAME = ChartRenderer.RELEASE + "-login-etl";

	private static final Set<String> CUSTOM_KINDS = Set.of("keda.sh/v1alpha1/ScaledObject",
			"keda.sh/v1alpha1/TriggerAuthentication", "monitoring.coreos.com/v1/ServiceMonitor",
			"monitoring.coreos.com/v1/PrometheusRule");

	/** The service's environment variables (docs/configuration.md's table). */
	private static final Set<String> SERVICE_ENVIRONMENT = Set.of("SPRING_CLOUD_AWS_SQS_ENDPOINT",
			"SPRING_CLOUD_AWS_REGION_STATIC", "SPRING_CLOUD_AWS_CREDENTIALS_ACCESS_KEY",
			"SPRING_CLOUD_AWS_CREDENTIALS_SECRET_KEY", "SPRING_DATASOURCE_URL", "SPRING_DATASOURCE_USERNAME",
			"SPRING_DATASOURCE_PASSWORD", "LOGINS_QUEUE", "LOGINS_DEAD_LETTER_QUEUE", "LOGINS_MASKING_KEYSET_FILE",
			"SERVER_PORT", "MANAGEMENT_SERVER_PORT", "LOGINS_EXIT_WHEN_IDLE", "SPRING_FLYWAY_USER",
			"LOGINS_DATABASE_SSL_MODE", "LOGINS_DATABASE_SSL_ROOT_CERT", "LOGINS_MASKING_KMS_KEY_URI",
			"LOGGING_STRUCTURED_FORMAT_CONSOLE");

	/** The heading of docs/deployment.md's part on the chart's defaults, which its values tables follow. */
	private static final String CHART_DEFAULTS = "\n## The chart's security defaults\n";

	/** The rule every NetworkPolicy rule of the chart keeps: no peer list may be empty (that admits any address). */
	private static final String CIDR_REQUIRED = "an empty peer list would admit any address";

	@Test
	void defaultsRenderOnlyWhatNeedsNoCrdOrSecretValue() {
		assertThat(kinds(ChartRenderer.render())).containsExactlyInAnyOrder("v1/ServiceAccount", "v1/ConfigMap",
				"v1/Service", "apps/v1/Deployment", "networking.k8s.io/v1/NetworkPolicy");
	}

	@Test
	void everythingOnRendersEveryOptionalObject() {
		assertThat(kinds(ChartRenderer.render(EVERYTHING_ON))).containsExactlyInAnyOrder("v1/ServiceAccount",
				"v1/ConfigMap", "v1/ConfigMap", "v1/Service", "apps/v1/Deployment", "keda.sh/v1alpha1/ScaledObject",
				"keda.sh/v1alpha1/TriggerAuthentication", "policy/v1/PodDisruptionBudget",
				"monitoring.coreos.com/v1/ServiceMonitor", "monitoring.coreos.com/v1/PrometheusRule",
				"networking.k8s.io/v1/NetworkPolicy");
	}

	@Test
	void lintStrictPassesForTheDefaultsEverythingOnAndCronJobMode(@TempDir Path dir) throws Exception {
		Path cronJob = dir.resolve("cronjob.yaml");
		java.nio.file.Files.writeString(cronJob, "mode: cronjob\ncronjob:\n  schedule: \"*/30 * * * *\"\n");
		Path[] overlays = { null, EVERYTHING_ON, cronJob };
		for (int i = 0; i < overlays.length; i++) {
			Path overlay = overlays[i];
			LintResult lint = ChartRenderer.lintStrict(overlay, dir.resolve("lint-" + i));
			assertThat(lint.isFailed()).as("lint --strict with %s: %s", overlay, lint.getMessages()).isFalse();
			assertThat(lint.getMessages()).noneMatch((message) -> message.contains("[WARNING]")
					|| message.contains("[ERROR]"));
		}
	}

	@Test
	void everyRenderedBuiltInObjectMatchesTheKubernetesModelStrictly() {
		for (List<Map<String, Object>> release : List.of(ChartRenderer.render(), ChartRenderer.render(EVERYTHING_ON),
				ChartRenderer.render(List.of(), hpaOn()), ChartRenderer.render(List.of(), inlineSecrets()),
				ChartRenderer.render(List.of(EVERYTHING_ON), cronJobOfEverythingOn()),
				ChartRenderer.render(List.of(), Map.of("replicaCount", "2", "podAntiAffinityPreset", "hard")),
				ChartRenderer.render(List.of(), securityWiring()))) {
			for (Map<String, Object> object : release) {
				if (StrictKubernetesModel.isBuiltIn(object)) {
					assertThat(StrictKubernetesModel.read(object).getMetadata().getName()).isNotBlank();
				}
				else {
					assertThat(CUSTOM_KINDS).as("a kind the chart may render").contains(kind(object));
				}
			}
		}
	}

	@Test
	void customResourcesMatchTheirCrdSchemas() {
		List<Map<String, Object>> custom = ChartRenderer.render(EVERYTHING_ON)
			.stream()
			.filter((object) -> CUSTOM_KINDS.contains(kind(object)))
			.toList();
		assertThat(custom).hasSize(4);

		assertThat(CustomResourceSchemas.validate(custom)).allSatisfy((verdict) -> assertThat(verdict.errors())
			.as(verdict.kind()).isEmpty());
	}

	@Test
	@SuppressWarnings("unchecked")
	void crdSchemaCheckCatchesBrokenCustomResources() {
		List<Map<String, Object>> custom = ChartRenderer.render(EVERYTHING_ON)
			.stream()
			.filter((object) -> CUSTOM_KINDS.contains(kind(object)))
			.toList();
		Map<String, Object> scaledObject = find(custom, "ScaledObject");
		Map<String, Object> spec = (Map<String, Object>) scaledObject.get("spec");
		spec.put("minReplicaCount", "1");
		((Map<String, Object>) ((List<Object>) spec.get("triggers")).get(0)).remove("metadata");
		Map<String, Object> monitor = find(custom, "ServiceMonitor");
		((Map<String, Object>) ((List<Object>) ((Map<String, Object>) monitor.get("spec")).get("endpoints")).get(0))
			.put("port", 8080);

		List<CustomResourceSchemas.Verdict> verdicts = CustomResourceSchemas.validate(List.of(scaledObject, monitor));

		assertThat(verdicts.get(0).errors()).anyMatch((error) -> error.contains("minReplicaCount must be integer"));
		assertThat(verdicts.get(0).errors()).anyMatch((error) -> error.contains("required property metadata"));
		assertThat(verdicts.get(1).errors()).anyMatch((error) -> error.contains("port must be string"));
	}

	@Test
	void probesUseTheActuatorHealthGroupsOnTheManagementPort() {
		List<Map<String, Object>> release = ChartRenderer.render();
		Container container = container(deployment(release));
		assertThat(container.getPorts()).extracting((port) -> port.getName() + "=" + port.getContainerPort())
			.containsExactly("http=8080", "management=8081");
		// The service listens where the pod's ports say (application.yaml's defaults are the same).
		assertThat(configData(release)).containsEntry("SERVER_PORT", "8080")
			.containsEntry("MANAGEMENT_SERVER_PORT", "8081");
		assertHttpProbe(container.getLivenessProbe(), "/actuator/health/liveness");
		assertHttpProbe(container.getReadinessProbe(), "/actuator/health/readiness");
		assertHttpProbe(container.getStartupProbe(), "/actuator/health/liveness");
		// Room for a migration, or for waiting on another pod's Flyway lock, before liveness counts.
		Probe startup = container.getStartupProbe();
		assertThat(startup.getPeriodSeconds() * startup.getFailureThreshold()).isGreaterThanOrEqualTo(120);
		// The health groups answer within 1 s in every fault state (HealthUnderFaultsIT); a probe
		// that waited longer would only hide a service that stopped answering.
		assertThat(container.getLivenessProbe().getTimeoutSeconds()).isEqualTo(2);
		assertThat(container.getReadinessProbe().getTimeoutSeconds()).isEqualTo(2);
	}

	@Test
	void podRunsNonRootWithAReadOnlyRootAndAWritableTmp() {
		PodSpec pod = deployment(ChartRenderer.render()).getSpec().getTemplate().getSpec();
		assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
		assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
		assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
		Container container = container(pod);
		assertThat(container.getSecurityContext()).satisfies((security) -> {
			assertThat(security.getRunAsNonRoot()).isTrue();
			assertThat(security.getReadOnlyRootFilesystem()).isTrue();
			assertThat(security.getAllowPrivilegeEscalation()).isFalse();
			assertThat(security.getPrivileged()).isFalse();
			assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
			assertThat(security.getCapabilities().getAdd()).isNullOrEmpty();
		});
		assertThat(container.getVolumeMounts()).anySatisfy((mount) -> {
			assertThat(mount.getMountPath()).isEqualTo("/tmp");
			assertThat(volume(pod, mount.getName()).getEmptyDir()).isNotNull();
		});
		assertThat(pod.getAutomountServiceAccountToken()).isFalse();
	}

	@Test
	void terminationGraceOutlastsTheServiceShutdownPhase() {
		String application = DeployFiles.read(DeployFiles.file("src/main/resources/application.yaml"));
		assertThat(application).contains("timeout-per-shutdown-phase: 30s");

		assertThat(deployment(ChartRenderer.render()).getSpec().getTemplate().getSpec()
			.getTerminationGracePeriodSeconds()).isGreaterThan(30L);
		assertThatIllegalStateException()
			.isThrownBy(() -> ChartRenderer.render(List.of(), Map.of("terminationGracePeriodSeconds", "30")))
			.withMessageContaining("terminationGracePeriodSeconds");
	}

	@Test
	void serviceAccountCarriesTheIrsaRoleAndThePodUsesIt() {
		List<Map<String, Object>> release = ChartRenderer.render(EVERYTHING_ON);
		ServiceAccount account = only(release, ServiceAccount.class);
		assertThat(account.getMetadata().getAnnotations()).containsEntry("eks.amazonaws.com/role-arn",
				"arn:aws:iam::123456789012:role/login-etl");
		assertThat(account.getAutomountServiceAccountToken()).isFalse();
		assertThat(deployment(release).getSpec().getTemplate().getSpec().getServiceAccountName())
			.isEqualTo(account.getMetadata().getName());
	}

	@Test
	void existingSecretsFeedThePasswordAndTheKeysetFile() {
		List<Map<String, Object>> release = ChartRenderer.render(EVERYTHING_ON);
		assertThat(kinds(release)).doesNotContain("v1/Secret");
		PodSpec pod = deployment(release).getSpec().getTemplate().getSpec();
		Container container = container(pod);

		EnvVar password = env(container, "SPRING_DATASOURCE_PASSWORD");
		assertThat(password.getValueFrom().getSecretKeyRef().getName()).isEqualTo("login-etl-db");
		assertThat(password.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("db-password");
		assertKeysetMountedFrom(pod, container, "login-etl-keyset", "tink-keyset.json");
		assertThat(configData(release)).containsEntry("LOGINS_MASKING_KEYSET_FILE",
				"/etc/login-etl/masking/keyset.json");
		// The keyset is never an environment variable.
		assertThat(container.getEnv()).extracting(EnvVar::getName).doesNotContain("LOGINS_MASKING_KEYSET");
		assertThat(configData(release)).doesNotContainKey("LOGINS_MASKING_KEYSET");
	}

	@Test
	void withoutSecretValuesThePodsReadSecretsTheOperatorCreates() {
		List<Map<String, Object>> release = ChartRenderer.render();
		PodSpec pod = deployment(release).getSpec().getTemplate().getSpec();
		Container container = container(pod);

		assertThat(env(container, "SPRING_DATASOURCE_PASSWORD").getValueFrom().getSecretKeyRef())
			.satisfies((ref) -> {
				assertThat(ref.getName()).isEqualTo(FULLNAME + "-database");
				assertThat(ref.getKey()).isEqualTo("password");
			});
		assertKeysetMountedFrom(pod, container, FULLNAME + "-masking", "keyset.json");
	}

	@Test
	void inlineDevelopmentValuesBecomeSecretsOfTheChart() {
		List<Map<String, Object>> release = ChartRenderer.render(List.of(), inlineSecrets());
		List<Secret> secrets = all(release, Secret.class);
		assertThat(secrets).extracting((secret) -> secret.getMetadata().getName())
			.containsExactlyInAnyOrder(FULLNAME + "-database", FULLNAME + "-masking");
		assertThat(decode(secrets, FULLNAME + "-database", "password")).isEqualTo("s3cret");
		assertThat(decode(secrets, FULLNAME + "-masking", "keyset.json")).isEqualTo("{\"primaryKeyId\":1}");
		PodSpec pod = deployment(release).getSpec().getTemplate().getSpec();
		assertKeysetMountedFrom(pod, container(pod), FULLNAME + "-masking", "keyset.json");
	}

	@Test
	void anExistingSecretAndAnInlineValueTogetherRefuseToRender() {
		assertThatIllegalStateException()
			.isThrownBy(() -> ChartRenderer.render(List.of(),
					Map.of("masking.existingSecret", "mine", "masking.keyset", "{}")))
			.withMessageContaining("masking: set either existingSecret");
	}

	@Test
	void theConfigMapCarriesOnlyTheServiceEnvironment() {
		Map<String, String> data = configData(ChartRenderer.render());
		assertThat(data).containsEntry("SPRING_CLOUD_AWS_REGION_STATIC", "us-east-1")
			.containsEntry("LOGINS_QUEUE", "login-queue")
			.containsEntry("LOGINS_DEAD_LETTER_QUEUE", "login-queue-dlq")
			.containsEntry("SPRING_DATASOURCE_URL", "jdbc:postgresql://postgresql:5432/postgres")
			.containsEntry("SERVER_PORT", "8080")
			.containsEntry("MANAGEMENT_SERVER_PORT", "8081");
		assertThat(SERVICE_ENVIRONMENT).containsAll(data.keySet());

		Map<String, String> everythingOn = configData(ChartRenderer.render(EVERYTHING_ON));
		assertThat(everythingOn).containsEntry("LOGINS_LISTENER_MAX_CONCURRENT_MESSAGES", "20")
			.containsEntry("SPRING_DATASOURCE_URL",
					"jdbc:postgresql://logins.cluster-abc.us-east-1.rds.amazonaws.com:5432/logins");
	}

	/** The chart logs JSON (ECS) by default, plain text on request, and an extraConfig entry wins. */
	@Test
	void logLinesAreEcsJsonByDefaultAndPlainTextOnRequest() {
		assertThat(configData(ChartRenderer.render())).containsEntry("LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs");
		assertThat(configData(ChartRenderer.render(List.of(), Map.of("logging.format", "logstash"))))
			.containsEntry("LOGGING_STRUCTURED_FORMAT_CONSOLE", "logstash");
		assertThat(configData(ChartRenderer.render(List.of(), Map.of("logging.format", ""))))
			.doesNotContainKey("LOGGING_STRUCTURED_FORMAT_CONSOLE");
		assertThat(configData(ChartRenderer.render(List.of(),
				Map.of("extraConfig.LOGGING_STRUCTURED_FORMAT_CONSOLE", "gelf"))))
			.containsEntry("LOGGING_STRUCTURED_FORMAT_CONSOLE", "gelf");
		assertThatIllegalStateException()
			.isThrownBy(() -> ChartRenderer.render(List.of(), Map.of("logging.format", "json")))
			.withMessageContaining("format");
	}

	@Test
	void theHpaAndKedaTogetherRefuseToRender() {
		Map<String, Object> both = Map.of("autoscaling.hpa.enabled", "true", "autoscaling.keda.enabled", "true",
				"sqs.queue", "https://sqs.us-east-1.amazonaws.com/123456789012/login-queue");
		assertThatIllegalStateException().isThrownBy(() -> ChartRenderer.render(List.of(), both))
			.withMessageContaining("enable either hpa or keda, not both");
	}

	@Test
	void theHpaScalesOnCpuAndOwnsTheReplicaCount() {
		List<Map<String, Object>> release = ChartRenderer.render(List.of(), hpaOn());
		HorizontalPodAutoscaler hpa = only(release, HorizontalPodAutoscaler.class);
		assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(FULLNAME);
		assertThat(hpa.getSpec().getMetrics()).singleElement().satisfies((metric) -> {
			assertThat(metric.getResource().getName()).isEqualTo("cpu");
			assertThat(metric.getResource().getTarget().getAverageUtilization()).isEqualTo(70);
		});
		assertThat(deployment(release).getSpec().getReplicas()).isNull();
	}

	@Test
	@SuppressWarnings("unchecked")
	void kedaScalesOnTheQueueDepthWithPodIdentity() {
		List<Map<String, Object>> release = ChartRenderer.render(EVERYTHING_ON);
		Map<String, Object> spec = (Map<String, Object>) find(release, "ScaledObject").get("spec");
		assertThat((Map<String, Object>) spec.get("scaleTargetRef")).containsEntry("kind", "Deployment")
			.containsEntry("name", FULLNAME);
		Map<String, Object> trigger = (Map<String, Object>) ((List<Object>) spec.get("triggers")).get(0);
		assertThat(trigger).containsEntry("type", "aws-sqs-queue");
		// The aws-sqs-queue scaler's documented parameters, spelt right (the CRD's schema allows any key).
		assertThat((Map<String, Object>) trigger.get("metadata"))
			.containsEntry("queueURL", "https://sqs.us-east-1.amazonaws.com/123456789012/login-queue")
			.containsEntry("queueLength", "200")
			.containsEntry("awsRegion", "us-east-1")
			.containsOnlyKeys("queueURL", "queueLength", "awsRegion");
		Map<String, Object> authentication = find(release, "TriggerAuthentication");
		assertThat((Map<String, Object>) trigger.get("authenticationRef")).containsEntry("name",
				((Map<String, Object>) authentication.get("metadata")).get("name"));
		assertThat((Map<String, Object>) ((Map<String, Object>) authentication.get("spec")).get("podIdentity"))
			.containsExactlyInAnyOrderEntriesOf(Map.of("provider", "aws", "identityOwner", "workload"));
		assertThat(deployment(release).getSpec().getReplicas()).isNull();
	}

	@Test
	void kedaWithoutAQueueUrlRefusesToRender() {
		assertThatIllegalStateException()
			.isThrownBy(() -> ChartRenderer.render(List.of(), Map.of("autoscaling.keda.enabled", "true")))
			.withMessageContaining("needs the queue's URL");
	}

	@Test
	void theValuesSchemaRejectsMisspeltKeysAndWrongTypes() {
		assertThatIllegalStateException()
			.isThrownBy(() -> ChartRenderer.render(List.of(), Map.of("replicaCont", "2")))
			.withMessageContaining("replicaCont");
		assertThatIllegalStateException()
			.isThrownBy(() -> ChartRenderer.render(List.of(), Map.of("serviceAccount.anotations.a", "b")))
			.withMessageContaining("anotations");
		assertThatIllegalStateException()
			.isThrownBy(() -> ChartRenderer.render(List.of(), Map.of("metrics.service.port", "http")))
			.withMessageContaining("port");
	}

	@Test
	void theServiceMonitorScrapesTheMetricsServicesPort() {
		List<Map<String, Object>> release = ChartRenderer.render(EVERYTHING_ON);
		Service service = only(release, Service.class);
		@SuppressWarnings("unchecked")
		Map<String, Object> spec = (Map<String, Object>) find(release, "ServiceMonitor").get("spec");
		@SuppressWarnings("unchecked")
		Map<String, String> selector = (Map<String, String>) ((Map<String, Object>) spec.get("selector"))
			.get("matchLabels");
		assertThat(service.getMetadata().getLabels()).containsAllEntriesOf(selector);
		assertThat(spec.get("endpoints")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
			.singleElement()
			.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
			.containsEntry("port", service.getSpec().getPorts().get(0).getName())
			.containsEntry("path", "/actuator/prometheus")
			.containsEntry("interval", "15s");
		assertThat(service.getSpec().getSelector())
			.isEqualTo(deployment(release).getSpec().getSelector().getMatchLabels());
		// The Service exposes the management port alone, and annotates it for annotation-based scraping.
		assertThat(service.getSpec().getPorts()).singleElement().satisfies((port) -> {
			assertThat(port.getName()).isEqualTo("management");
			assertThat(port.getPort()).isEqualTo(8081);
			assertThat(port.getTargetPort().getStrVal()).isEqualTo("management");
		});
		assertThat(service.getMetadata().getAnnotations()).containsEntry("prometheus.io/port", "8081")
			.containsEntry("prometheus.io/path", "/actuator/prometheus");
		assertThat(only(ChartRenderer.render(List.of(), Map.of("containerPorts.management", "9090")), Service.class)
			.getMetadata()
			.getAnnotations()).containsEntry("prometheus.io/port", "9090");
	}

	@Test
	void theNetworkPolicyIsOnByDefaultAndAdmitsNothingButDnsUntilTold() {
		NetworkPolicy policy = only(ChartRenderer.render(), NetworkPolicy.class);
		assertThat(policy.getSpec().getPodSelector().getMatchLabels())
			.isEqualTo(deployment(ChartRenderer.render()).getSpec().getSelector().getMatchLabels());
		assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
		// No peer named: no ingress rule at all (a rule without peers would admit every address).
		assertThat(policy.getSpec().getIngress()).isEmpty();
		// Egress: DNS to kube-dns only; no database or AWS rule until their CIDRs are set.
		assertThat(policy.getSpec().getEgress()).singleElement().satisfies((rule) -> {
			assertThat(rule.getTo()).singleElement().satisfies((peer) -> {
				assertThat(peer.getNamespaceSelector().getMatchLabels())
					.containsExactlyEntriesOf(Map.of("kubernetes.io/metadata.name", "kube-system"));
				assertThat(peer.getPodSelector().getMatchLabels()).containsExactlyEntriesOf(Map.of("k8s-app", "kube-dns"));
			});
			assertThat(rule.getPorts()).extracting((port) -> port.getProtocol() + "/" + port.getPort().getIntVal())
				.containsExactlyInAnyOrder("UDP/53", "TCP/53");
		});
		assertThat(kinds(ChartRenderer.render(List.of(), Map.of("networkPolicy.enabled", "false"))))
			.doesNotContain("networking.k8s.io/v1/NetworkPolicy");
	}

	@Test
	void theNetworkPolicyAdmitsTheManagementPortFromPrometheusAndReachesOnlyTheNamedCidrs() {
		List<Map<String, Object>> release = ChartRenderer.render(EVERYTHING_ON);
		NetworkPolicy policy = only(release, NetworkPolicy.class);
		int management = container(deployment(release)).getPorts()
			.stream()
			.filter((port) -> port.getName().equals("management"))
			.findFirst()
			.orElseThrow()
			.getContainerPort();
		assertThat(policy.getSpec().getIngress()).singleElement().satisfies((rule) -> {
			assertThat(rule.getPorts()).singleElement().satisfies((port) -> {
				assertThat(port.getPort().getIntVal()).isEqualTo(management);
				assertThat(port.getProtocol()).isEqualTo("TCP");
			});
			assertThat(rule.getFrom()).singleElement().satisfies((peer) -> {
				assertThat(peer.getNamespaceSelector().getMatchLabels())
					.containsExactlyEntriesOf(Map.of("kubernetes.io/metadata.name", "monitoring"));
				assertThat(peer.getPodSelector().getMatchLabels())
					.containsExactlyEntriesOf(Map.of("app.kubernetes.io/name", "prometheus"));
			});
		});
		// Every egress rule names its peers: none is open to any address.
		assertThat(policy.getSpec().getEgress()).allSatisfy((rule) -> assertThat(rule.getTo()).as(CIDR_REQUIRED)
			.isNotEmpty());
		assertThat(egressByPort(policy)).containsExactlyInAnyOrderEntriesOf(Map.of("UDP/53", List.of("kube-dns"),
				"TCP/53", List.of("kube-dns"), "TCP/5432", List.of("10.0.64.0/20", "10.0.80.0/20"), "TCP/443",
				List.of("10.0.0.0/20"), "TCP/8443", List.of("10.0.0.0/16")));

		// The database's port follows database.port, or networkPolicy.database.port when set.
		Map<String, Object> cidrs = Map.of("networkPolicy.database.cidrs[0]", "10.1.0.0/16");
		assertThat(egressByPort(only(ChartRenderer.render(List.of(), with(cidrs, "database.port", "6543")),
				NetworkPolicy.class))).containsEntry("TCP/6543", List.of("10.1.0.0/16"));
		assertThat(egressByPort(only(ChartRenderer.render(List.of(), with(cidrs, "networkPolicy.database.port", "6432")),
				NetworkPolicy.class))).containsEntry("TCP/6432", List.of("10.1.0.0/16")).doesNotContainKey("TCP/5432");
	}

	@Test
	void theValuesSchemaRefusesANetworkPolicyPeerThatIsNotOne(@TempDir Path dir) throws Exception {
		assertThatIllegalStateException()
			.isThrownBy(() -> ChartRenderer.render(List.of(), Map.of("networkPolicy.database.cidrs[0]", "db.example.com")))
			.withMessageContaining("cidrs");
		// DNS to no peer at all would be DNS to any address.
		Path noDnsPeer = dir.resolve("no-dns-peer.yaml");
		java.nio.file.Files.writeString(noDnsPeer, "networkPolicy:\n  dns:\n    to: []\n");
		assertThatIllegalStateException().isThrownBy(() -> ChartRenderer.render(noDnsPeer))
			.withMessageContaining("/networkPolicy/dns/to");
		assertThatIllegalStateException()
			.isThrownBy(() -> ChartRenderer.render(List.of(), Map.of("networkPolicy.dns.to", "null")))
			.withMessageContaining("to");
		// the old open-by-default switches are gone: a values file that still sets them fails loudly
		assertThatIllegalStateException()
			.isThrownBy(() -> ChartRenderer.render(List.of(), Map.of("networkPolicy.allowExternalEgress", "true")))
			.withMessageContaining("allowExternalEgress");
	}

	@Test
	void aDisruptionBudgetProtectsTwoPodsOrMoreAndNeverOne() {
		assertThat(kinds(ChartRenderer.render())).as("replicaCount 1").doesNotContain("policy/v1/PodDisruptionBudget");
		PodDisruptionBudget budget = only(ChartRenderer.render(List.of(), Map.of("replicaCount", "2")),
				PodDisruptionBudget.class);
		assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
		assertThat(budget.getSpec().getMinAvailable()).isNull();
		assertThat(budget.getSpec().getSelector().getMatchLabels())
			.isEqualTo(deployment(ChartRenderer.render()).getSpec().getSelector().getMatchLabels());
		// An autoscaler's minimum counts, not replicaCount.
		assertThat(kinds(ChartRenderer.render(List.of(), Map.of("autoscaling.hpa.enabled", "true",
				"autoscaling.hpa.minReplicas", "2")))).contains("policy/v1/PodDisruptionBudget");
		assertThat(kinds(ChartRenderer.render(List.of(), Map.of("replicaCount", "3", "autoscaling.hpa.enabled", "true"))))
			.as("HPA minReplicas 1").doesNotContain("policy/v1/PodDisruptionBudget");
		assertThat(kinds(ChartRenderer.render(List.of(EVERYTHING_ON), Map.of("autoscaling.keda.minReplicas", "0"))))
			.as("KEDA down to zero").doesNotContain("policy/v1/PodDisruptionBudget");
		assertThat(only(ChartRenderer.render(EVERYTHING_ON), PodDisruptionBudget.class).getSpec().getMinAvailable()
			.getIntVal()).isEqualTo(1);
		// Opt-out, and a CronJob's runs never get one.
		assertThat(kinds(ChartRenderer.render(List.of(), Map.of("replicaCount", "3", "pdb.create", "false"))))
			.doesNotContain("policy/v1/PodDisruptionBudget");
		assertThat(kinds(ChartRenderer.render(List.of(), Map.of("replicaCount", "3", "mode", "cronjob"))))
			.doesNotContain("policy/v1/PodDisruptionBudget");
	}

	@Test
	void podsPreferOtherNodesAndSpreadOverZonesUnlessTurnedOff() {
		PodSpec pod = deployment(ChartRenderer.render()).getSpec().getTemplate().getSpec();
		Map<String, String> selector = deployment(ChartRenderer.render()).getSpec().getSelector().getMatchLabels();
		assertThat(pod.getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution())
			.isNullOrEmpty();
		assertThat(pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution())
			.singleElement()
			.satisfies((term) -> {
				assertThat(term.getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname");
				assertThat(term.getPodAffinityTerm().getLabelSelector().getMatchLabels()).isEqualTo(selector);
			});
		assertThat(pod.getTopologySpreadConstraints()).singleElement().satisfies((spread) -> {
			assertThat(spread.getTopologyKey()).isEqualTo("topology.kubernetes.io/zone");
			assertThat(spread.getWhenUnsatisfiable()).isEqualTo("ScheduleAnyway");
			assertThat(spread.getMaxSkew()).isEqualTo(1);
			assertThat(spread.getLabelSelector().getMatchLabels()).isEqualTo(selector);
		});

		PodSpec off = deployment(ChartRenderer.render(List.of(),
				Map.of("podAntiAffinityPreset", "", "topologySpread.enabled", "false"))).getSpec().getTemplate().getSpec();
		assertThat(off.getAffinity()).isNull();
		assertThat(off.getTopologySpreadConstraints()).isNullOrEmpty();

		PodSpec hard = deployment(ChartRenderer.render(List.of(), Map.of("podAntiAffinityPreset", "hard"))).getSpec()
			.getTemplate()
			.getSpec();
		assertThat(hard.getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution())
			.singleElement()
			.satisfies((term) -> assertThat(term.getTopologyKey()).isEqualTo("kubernetes.io/hostname"));
		assertThat(hard.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution())
			.isNullOrEmpty();

		// affinity and topologySpreadConstraints of one's own replace the presets.
		PodSpec own = deployment(ChartRenderer.render(List.of(),
				Map.of("affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key",
						"kubernetes.io/arch",
						"affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator",
						"Exists", "topologySpreadConstraints[0].topologyKey", "kubernetes.io/hostname",
						"topologySpreadConstraints[0].maxSkew", "2", "topologySpreadConstraints[0].whenUnsatisfiable",
						"DoNotSchedule")))
			.getSpec()
			.getTemplate()
			.getSpec();
		assertThat(own.getAffinity().getPodAntiAffinity()).isNull();
		assertThat(own.getAffinity().getNodeAffinity()).isNotNull();
		assertThat(own.getTopologySpreadConstraints()).singleElement()
			.satisfies((spread) -> assertThat(spread.getTopologyKey()).isEqualTo("kubernetes.io/hostname"));
	}

	@Test
	void databaseTlsModeAndItsCaBundleMountedReadOnly() {
		List<Map<String, Object>> release = ChartRenderer.render(EVERYTHING_ON);
		PodSpec pod = deployment(release).getSpec().getTemplate().getSpec();
		Map<String, String> config = configData(release);
		assertThat(config).containsEntry("LOGINS_DATABASE_SSL_MODE", "verify-full")
			.containsEntry("LOGINS_DATABASE_SSL_ROOT_CERT", "/etc/login-etl/database-ca/ca.crt");
		assertThat(container(pod).getVolumeMounts()).filteredOn((mount) -> mount.getName().equals("database-ca"))
			.singleElement()
			.satisfies((mount) -> {
				assertThat(mount.getMountPath()).isEqualTo("/etc/login-etl/database-ca");
				assertThat(mount.getReadOnly()).isTrue();
			});
		assertThat(volume(pod, "database-ca").getConfigMap()).satisfies((source) -> {
			assertThat(source.getName()).isEqualTo("rds-ca-bundle");
			assertThat(source.getItems()).singleElement().satisfies((item) -> {
				assertThat(item.getKey()).isEqualTo("global-bundle.pem");
				assertThat(item.getPath()).isEqualTo("ca.crt");
			});
		});

		// From a Secret as well; neither the mode nor the bundle by default.
		PodSpec fromSecret = deployment(ChartRenderer.render(List.of(), securityWiring())).getSpec().getTemplate().getSpec();
		assertThat(volume(fromSecret, "database-ca").getSecret()).satisfies((source) -> {
			assertThat(source.getSecretName()).isEqualTo("db-ca");
			assertThat(source.getItems()).singleElement().satisfies((item) -> assertThat(item.getKey()).isEqualTo("ca.crt"));
		});
		Map<String, String> defaults = configData(ChartRenderer.render());
		assertThat(defaults).doesNotContainKeys("LOGINS_DATABASE_SSL_MODE", "LOGINS_DATABASE_SSL_ROOT_CERT");
		assertThat(deployment(ChartRenderer.render()).getSpec().getTemplate().getSpec().getVolumes())
			.extracting(Volume::getName)
			.containsExactlyInAnyOrder("tmp", "masking-keyset");

		assertThatIllegalStateException()
			.isThrownBy(() -> ChartRenderer.render(List.of(),
					Map.of("database.tls.caBundle.secretName", "a", "database.tls.caBundle.configMapName", "b")))
			.withMessageContaining("database.tls.caBundle: name either secretName or configMapName");
		assertThatIllegalStateException()
			.isThrownBy(() -> ChartRenderer.render(List.of(), Map.of("database.tls.mode", "verify-everything")))
			.withMessageContaining("mode");
	}

	@Test
	void theSchemaOwnerRoleRunsTheMigrationsWithItsPasswordFromASecret() {
		List<Map<String, Object>> release = ChartRenderer.render(EVERYTHING_ON);
		assertThat(configData(release)).containsEntry("SPRING_FLYWAY_USER", "login_etl_owner")
			.containsEntry("SPRING_DATASOURCE_USERNAME", "login_etl");
		EnvVar password = env(container(deployment(release)), "SPRING_FLYWAY_PASSWORD");
		assertThat(password.getValue()).isNull();
		assertThat(password.getValueFrom().getSecretKeyRef().getName()).isEqualTo("login-etl-db-owner");
		assertThat(password.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("owner-password");

		// Unset: one role, as before.
		List<Map<String, Object>> defaults = ChartRenderer.render();
		assertThat(configData(defaults)).doesNotContainKey("SPRING_FLYWAY_USER");
		assertThat(container(deployment(defaults)).getEnv()).extracting(EnvVar::getName)
			.doesNotContain("SPRING_FLYWAY_PASSWORD");
		assertThatIllegalStateException()
			.isThrownBy(() -> ChartRenderer.render(List.of(), Map.of("database.owner.username", "owner")))
			.withMessageContaining("database.owner: set existingSecret");
	}

	@Test
	void theKmsKeyUriReachesTheServiceAndExtraVolumesTheContainer() {
		List<Map<String, Object>> release = ChartRenderer.render(EVERYTHING_ON);
		assertThat(configData(release)).containsEntry("LOGINS_MASKING_KMS_KEY_URI",
				"aws-kms://arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab");
		assertThat(configData(ChartRenderer.render())).doesNotContainKey("LOGINS_MASKING_KMS_KEY_URI");
		assertThatIllegalStateException()
			.isThrownBy(() -> ChartRenderer.render(List.of(), Map.of("masking.kmsKeyUri", "arn:aws:kms:us-east-1:1:key/x")))
			.withMessageContaining("kmsKeyUri");

		PodSpec pod = deployment(release).getSpec().getTemplate().getSpec();
		assertThat(volume(pod, "client-certificate").getSecret().getSecretName()).isEqualTo("login-etl-client-certificate");
		assertThat(container(pod).getVolumeMounts()).anySatisfy((mount) -> {
			assertThat(mount.getName()).isEqualTo("client-certificate");
			assertThat(mount.getMountPath()).isEqualTo("/etc/login-etl/client-certificate");
			assertThat(mount.getReadOnly()).isTrue();
		});
	}

	/**
	 * docs/deployment.md's install example and its production additions render, and with them
	 * the locked-down NetworkPolicy lets the pods reach the database and AWS, so the walk-through
	 * works as written.
	 */
	@Test
	void theDocumentedValuesFilesRenderAndOpenTheNetworkPolicyForTheDatabaseAndAws(@TempDir Path dir)
			throws Exception {
		Path install = dir.resolve("install-values.yaml");
		java.nio.file.Files.writeString(install, yamlBlockAfter(DeployFiles.read(DeployFiles.file("docs/deployment.md")),
				"4. **Install** with a values file such as:", "   "));
		Path docs = dir.resolve("docs-values.yaml");
		java.nio.file.Files.writeString(docs, yamlBlockAfter(DeployFiles.read(DeployFiles.file("docs/deployment.md")),
				"A production values file adds to the install example of [Kubernetes with Helm](#kubernetes-with-helm):",
				""));

		List<Map<String, Object>> release = ChartRenderer.render(List.of(install, docs), Map.of());
		assertThat(egressByPort(only(release, NetworkPolicy.class))).containsKeys("TCP/5432", "TCP/443");
		assertThat(only(release, NetworkPolicy.class).getSpec().getIngress()).singleElement()
			.satisfies((rule) -> assertThat(rule.getFrom()).isNotEmpty());
		assertThat(kinds(release)).contains("policy/v1/PodDisruptionBudget");
		assertThat(configData(release)).containsKeys("SPRING_FLYWAY_USER", "LOGINS_DATABASE_SSL_MODE",
				"LOGINS_DATABASE_SSL_ROOT_CERT", "LOGINS_MASKING_KMS_KEY_URI");
	}

	/**
	 * docs/deployment.md's values tables (the chart's security defaults; above them, the compose
	 * services' table has the same shape) give each value's default as values.yaml has it.
	 */
	@Test
	@SuppressWarnings("unchecked")
	void theDeploymentDocsGiveEachValuesDefault() {
		Map<String, Object> values = ChartRenderer.load(DeployFiles.chart().resolve("values.yaml"));
		String deployment = DeployFiles.read(DeployFiles.file("docs/deployment.md"));
		assertThat(deployment).contains(CHART_DEFAULTS);
		// | `name` / `sibling` | `default` / `default` | meaning |
		java.util.regex.Matcher rows = java.util.regex.Pattern
			.compile("^\\| (`[^|]+`) \\| ([^|]+) \\|", java.util.regex.Pattern.MULTILINE)
			.matcher(deployment.substring(deployment.indexOf(CHART_DEFAULTS)));
		int checked = 0;
		while (rows.find()) {
			List<String> names = List.of(rows.group(1).replace("`", "").split(" / "));
			List<String> defaults = List.of(rows.group(2).trim().split(" / "));
			if (!defaults.stream().allMatch((literal) -> literal.matches("`[^`]*`"))) {
				continue;
			}
			assertThat(defaults).as(rows.group()).hasSameSizeAs(names);
			String first = names.get(0);
			String parent = first.contains(".") ? first.substring(0, first.lastIndexOf('.') + 1) : "";
			for (int i = 0; i < names.size(); i++) {
				String name = names.get(i).contains(".") ? names.get(i) : parent + names.get(i);
				Object value = values;
				for (String key : name.split("\\.")) {
					assertThat((Map<String, Object>) value).as("%s in values.yaml", name).containsKey(key);
					value = ((Map<String, Object>) value).get(key);
				}
				String literal = defaults.get(i).substring(1, defaults.get(i).length() - 1);
				Object expected = new org.yaml.snakeyaml.Yaml().load(literal);
				assertThat(value).as("default of %s", name).isEqualTo(expected);
				checked++;
			}
		}
		assertThat(checked).as("values checked").isGreaterThan(20);
	}

	@Test
	void cronJobModeRunsTheDeploymentsPodOnASchedule() {
		List<Map<String, Object>> release = ChartRenderer.render(List.of(),
				Map.of("mode", "cronjob", "cronjob.schedule", "15 2 * * *"));
		// The NetworkPolicy selects the Job's pods by the same labels.
		assertThat(kinds(release)).containsExactlyInAnyOrder("v1/ServiceAccount", "v1/ConfigMap", "v1/Service",
				"batch/v1/CronJob", "networking.k8s.io/v1/NetworkPolicy");
		CronJob cronJob = only(release, CronJob.class);
		assertThat(cronJob.getMetadata().getName()).isEqualTo(FULLNAME);
		assertThat(cronJob.getSpec().getSchedule()).isEqualTo("15 2 * * *");
		assertThat(cronJob.getSpec().getConcurrencyPolicy()).isEqualTo("Forbid");
		assertThat(cronJob.getSpec().getJobTemplate().getSpec().getBackoffLimit()).isEqualTo(2);
		assertThat(cronJob.getSpec().getJobTemplate().getSpec().getParallelism()).isEqualTo(1);
		assertThat(configData(release)).containsEntry("LOGINS_EXIT_WHEN_IDLE", "2m");
		assertThat(configData(ChartRenderer.render())).doesNotContainKey("LOGINS_EXIT_WHEN_IDLE");
		// a run is a short-lived JVM: C1 only; a Deployment keeps the JVM's default JIT
		assertThat(configData(release)).containsEntry("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1");
		assertThat(configData(ChartRenderer.render())).doesNotContainKey("JAVA_TOOL_OPTIONS");
		assertThat(configData(ChartRenderer.render(List.of(), Map.of("mode", "cronjob", "cronjob.javaToolOptions", ""))))
			.doesNotContainKey("JAVA_TOOL_OPTIONS");
		assertThat(configData(ChartRenderer.render(List.of(),
				Map.of("mode", "cronjob", "extraConfig.JAVA_TOOL_OPTIONS", "-Xss512k"))))
			.containsEntry("JAVA_TOOL_OPTIONS", "-Xss512k");

		// The same pod as the Deployment's: configuration, Secrets, probes, security context; a
		// Job's pod only adds its restart policy.
		for (Map<String, Object> sets : List.of(Map.<String, Object>of(), inlineSecrets(), securityWiring())) {
			Map<String, Object> cronSets = new java.util.HashMap<>(sets);
			cronSets.put("mode", "cronjob");
			PodSpec jobPod = only(ChartRenderer.render(List.of(), cronSets), CronJob.class).getSpec()
				.getJobTemplate()
				.getSpec()
				.getTemplate()
				.getSpec();
			PodSpec deploymentPod = deployment(ChartRenderer.render(List.of(), sets)).getSpec().getTemplate().getSpec();
			assertThat(jobPod.getRestartPolicy()).isEqualTo("Never");
			deploymentPod.setRestartPolicy("Never");
			assertThat(jobPod).isEqualTo(deploymentPod);
		}
		assertThat(cronJob.getSpec().getJobTemplate().getSpec().getTemplate().getMetadata().getLabels())
			.isEqualTo(deployment(ChartRenderer.render()).getSpec().getTemplate().getMetadata().getLabels());
		// The metrics Service still finds the running Job's pod.
		assertThat(cronJob.getSpec().getJobTemplate().getSpec().getTemplate().getMetadata().getLabels())
			.containsAllEntriesOf(only(release, Service.class).getSpec().getSelector());
	}

	@Test
	void theValuesSchemaRefusesAutoscalingWithCronJobMode() {
		for (Map<String, Object> scaled : List.of(Map.<String, Object>of("autoscaling.hpa.enabled", "true"),
				Map.<String, Object>of("autoscaling.keda.enabled", "true", "sqs.queue",
						"https://sqs.us-east-1.amazonaws.com/123456789012/login-queue"))) {
			Map<String, Object> sets = new java.util.HashMap<>(scaled);
			sets.put("mode", "cronjob");
			String key = scaled.keySet().stream().filter((name) -> !name.equals("sqs.queue")).findFirst().orElseThrow();
			assertThatIllegalStateException().as("%s", scaled)
				.isThrownBy(() -> ChartRenderer.render(List.of(), sets))
				.withMessageContaining("/" + key.replace('.', '/') + "': value must be false");
			// The same values render as a Deployment.
			sets.put("mode", "deployment");
			assertThat(kinds(ChartRenderer.render(List.of(), sets))).contains("apps/v1/Deployment");
		}
		assertThatIllegalStateException()
			.isThrownBy(() -> ChartRenderer.render(List.of(), Map.of("mode", "job")))
			.withMessageContaining("mode");
		assertThatIllegalStateException()
			.isThrownBy(() -> ChartRenderer.render(List.of(), Map.of("mode", "cronjob", "cronjob.exitWhenIdle", "soon")))
			.withMessageContaining("exitWhenIdle");
	}

	/**
	 * "helm test" runs the jar's check command (after the image's ENTRYPOINT, not instead of it) in
	 * a pod with the workload pod's image, ServiceAccount, environment, mounts and volumes, so it
	 * checks the settings the service runs with; it opens no port and has no probe.
	 */
	@Test
	void theHelmTestRunsCheckWithTheWorkloadPodsEnvironmentAndVolumes(@TempDir Path dir) {
		for (List<Map<String, Object>> release : List.of(
				ChartRenderer.renderWithTests(List.of(EVERYTHING_ON), Map.of(), dir.resolve("everything-on")),
				ChartRenderer.renderWithTests(List.of(), securityWiring(), dir.resolve("security")),
				ChartRenderer.renderWithTests(List.of(), inlineSecrets(), dir.resolve("inline")))) {
			PodSpec workload = deployment(release).getSpec().getTemplate().getSpec();
			Pod check = checkPod(release);
			PodSpec pod = check.getSpec();
			Container container = container(pod);
			Container service = container(workload);

			assertThat(check.getMetadata().getAnnotations()).containsEntry(ChartRenderer.HOOK_RENDERED_AS, "test");
			assertThat(container.getCommand()).as("the image's entrypoint stays").isNullOrEmpty();
			assertThat(container.getArgs()).containsExactly("check");
			assertThat(container.getImage()).isEqualTo(service.getImage());
			assertThat(container.getEnvFrom()).isEqualTo(service.getEnvFrom());
			assertThat(container.getEnv()).isNotEmpty().isEqualTo(service.getEnv());
			assertThat(container.getVolumeMounts()).isEqualTo(service.getVolumeMounts());
			assertThat(pod.getVolumes()).isEqualTo(workload.getVolumes());
			assertThat(pod.getServiceAccountName()).isEqualTo(workload.getServiceAccountName());
			assertThat(container.getSecurityContext()).isEqualTo(service.getSecurityContext());
			assertThat(pod.getSecurityContext()).isEqualTo(workload.getSecurityContext());
			assertThat(pod.getRestartPolicy()).isEqualTo("Never");
			assertThat(container.getPorts()).isNullOrEmpty();
			assertThat(container.getStartupProbe()).isNull();
			assertThat(container.getLivenessProbe()).isNull();
			assertThat(container.getReadinessProbe()).isNull();
		}
	}

	private static Pod checkPod(List<Map<String, Object>> release) {
		return all(release, Pod.class).stream()
			.filter((pod) -> "check".equals(pod.getMetadata().getLabels().get("app.kubernetes.io/component")))
			.filter((pod) -> pod.getMetadata().getName().endsWith("-check"))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no check pod in " + kinds(release)));
	}

	private static Map<String, Object> cronJobOfEverythingOn() {
		return Map.of("mode", "cronjob", "autoscaling.keda.enabled", "false",
				"cronjob.activeDeadlineSeconds", "3600", "cronjob.startingDeadlineSeconds", "300",
				"cronjob.timeZone", "Etc/UTC");
	}

	private static Map<String, Object> hpaOn() {
		return Map.of("autoscaling.hpa.enabled", "true");
	}

	/** Database TLS with a CA from a Secret, the owner role, the KMS key and an extra volume. */
	private static Map<String, Object> securityWiring() {
		Map<String, Object> sets = new java.util.HashMap<>();
		sets.put("database.tls.mode", "verify-full");
		sets.put("database.tls.caBundle.secretName", "db-ca");
		sets.put("database.owner.username", "owner");
		sets.put("database.owner.existingSecret", "db-owner");
		sets.put("masking.kmsKeyUri", "aws-kms://arn:aws:kms:us-east-1:123456789012:key/k");
		sets.put("extraVolumes[0].name", "extra");
		sets.put("extraVolumes[0].emptyDir.medium", "Memory");
		sets.put("extraVolumeMounts[0].name", "extra");
		sets.put("extraVolumeMounts[0].mountPath", "/extra");
		sets.put("networkPolicy.database.cidrs[0]", "10.0.0.0/16");
		sets.put("networkPolicy.aws.cidrs[0]", "0.0.0.0/0");
		return sets;
	}

	private static Map<String, Object> with(Map<String, Object> sets, String key, Object value) {
		Map<String, Object> more = new java.util.HashMap<>(sets);
		more.put(key, value);
		return more;
	}

	/** Each egress port ("TCP/5432") with the CIDRs, or "kube-dns", it may reach. */
	private static Map<String, List<String>> egressByPort(NetworkPolicy policy) {
		Map<String, List<String>> byPort = new java.util.HashMap<>();
		policy.getSpec().getEgress().forEach((rule) -> rule.getPorts().forEach((port) -> {
			List<String> peers = rule.getTo().stream()
				.map((peer) -> (peer.getIpBlock() != null) ? peer.getIpBlock().getCidr()
						: peer.getPodSelector().getMatchLabels().get("k8s-app"))
				.toList();
			byPort.merge(port.getProtocol() + "/" + port.getPort().getIntVal(), peers,
					(a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).toList());
		}));
		return byPort;
	}

	/** The first fenced YAML block after {@code marker}, without the indent of its list item. */
	private static String yamlBlockAfter(String text, String marker, String indent) {
		int start = text.indexOf(indent + "```yaml\n", text.indexOf(marker));
		assertThat(text.indexOf(marker)).as(marker).isNotNegative();
		int end = text.indexOf(indent + "```\n", start + 1);
		return text.substring(start, end)
			.lines()
			.skip(1)
			.map((line) -> line.startsWith(indent) ? line.substring(indent.length()) : line)
			.collect(java.util.stream.Collectors.joining("\n", "", "\n"));
	}

	private static Map<String, Object> inlineSecrets() {
		return Map.of("database.password", "s3cret", "masking.keyset", "{\"primaryKeyId\":1}");
	}

	private static void assertHttpProbe(Probe probe, String path) {
		assertThat(probe).isNotNull();
		assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
		assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("management");
	}

	private static void assertKeysetMountedFrom(PodSpec pod, Container container, String secret, String key) {
		assertThat(container.getVolumeMounts()).anySatisfy((mount) -> {
			assertThat(mount.getMountPath()).isEqualTo("/etc/login-etl/masking");
			assertThat(mount.getReadOnly()).isTrue();
			Volume volume = volume(pod, mount.getName());
			assertThat(volume.getSecret().getSecretName()).isEqualTo(secret);
			assertThat(volume.getSecret().getItems()).singleElement().satisfies((item) -> {
				assertThat(item.getKey()).isEqualTo(key);
				assertThat(item.getPath()).isEqualTo("keyset.json");
			});
		});
	}

	private static String decode(List<Secret> secrets, String name, String key) {
		Secret secret = secrets.stream().filter((s) -> s.getMetadata().getName().equals(name)).findFirst().orElseThrow();
		return new String(Base64.getDecoder().decode(secret.getData().get(key)));
	}

	private static List<String> kinds(List<Map<String, Object>> release) {
		return release.stream().map(HelmChartTest::kind).toList();
	}

	private static String kind(Map<String, Object> object) {
		return object.get("apiVersion") + "/" + object.get("kind");
	}

	private static Map<String, Object> find(List<Map<String, Object>> release, String kind) {
		return release.stream().filter((object) -> kind.equals(object.get("kind"))).findFirst().orElseThrow();
	}

	private static <T> List<T> all(List<Map<String, Object>> release, Class<T> type) {
		List<T> found = new ArrayList<>();
		for (Map<String, Object> object : release) {
			if (StrictKubernetesModel.isBuiltIn(object)) {
				Object model = StrictKubernetesModel.read(object);
				if (type.isInstance(model)) {
					found.add(type.cast(model));
				}
			}
		}
		return found;
	}

	private static <T> T only(List<Map<String, Object>> release, Class<T> type) {
		List<T> found = all(release, type);
		assertThat(found).as(type.getSimpleName()).hasSize(1);
		return found.get(0);
	}

	private static Deployment deployment(List<Map<String, Object>> release) {
		return only(release, Deployment.class);
	}

	private static Container container(Deployment deployment) {
		return container(deployment.getSpec().getTemplate().getSpec());
	}

	private static Container container(PodSpec pod) {
		assertThat(pod.getContainers()).hasSize(1);
		return pod.getContainers().get(0);
	}

	private static Volume volume(PodSpec pod, String name) {
		return pod.getVolumes().stream().filter((volume) -> volume.getName().equals(name)).findFirst().orElseThrow();
	}

	private static EnvVar env(Container container, String name) {
		return container.getEnv().stream().filter(named(name)).findFirst().orElseThrow();
	}

	private static Predicate<EnvVar> named(String name) {
		return (env) -> env.getName().equals(name);
	}

	private static Map<String, String> configData(List<Map<String, Object>> release) {
		return all(release, ConfigMap.class).stream()
			.filter((map) -> map.getMetadata().getName().equals(FULLNAME))
			.findFirst()
			.orElseThrow()
			.getData();
	}

}
