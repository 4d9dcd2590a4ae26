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

	/** The service's environment variables (README's configuration table). */
	private static final Set<String> SERVICE_ENVIRONMENT = Set.of("SPRING_CLOUD_AWS_SQS_ENDPOINT",
			"SPRING_CLOUD_AWS_REGION_STATIC", "SPRING_CLOUD_AWS_CREDENTIALS_ACCESS_KEY",
			"SPRING_CLOUD_AWS_CREDENTIALS_SECRET_KEY", "SPRING_DATASOURCE_URL", "SPRING_DATASOURCE_USERNAME",
			"SPRING_DATASOURCE_PASSWORD", "LOGINS_QUEUE", "LOGINS_DEAD_LETTER_QUEUE", "LOGINS_MASKING_KEYSET_FILE",
			"SERVER_PORT", "LOGINS_EXIT_WHEN_IDLE");

	@Test
	void defaultsRenderOnlyWhatNeedsNoCrdOrSecretValue() {
		assertThat(kinds(ChartRenderer.render())).containsExactlyInAnyOrder("v1/ServiceAccount", "v1/ConfigMap",
				"v1/Service", "apps/v1/Deployment");
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
				ChartRenderer.render(List.of(EVERYTHING_ON), cronJobOfEverythingOn()))) {
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
	void probesUseTheActuatorHealthGroupsOnTheHttpPort() {
		Container container = container(deployment(ChartRenderer.render()));
		assertThat(container.getPorts()).singleElement().satisfies((port) -> {
			assertThat(port.getName()).isEqualTo("http");
			assertThat(port.getContainerPort()).isEqualTo(8080);
		});
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
			.containsEntry("SERVER_PORT", "8080");
		assertThat(SERVICE_ENVIRONMENT).containsAll(data.keySet());

		Map<String, String> everythingOn = configData(ChartRenderer.render(EVERYTHING_ON));
		assertThat(everythingOn).containsEntry("LOGINS_LISTENER_MAX_CONCURRENT_MESSAGES", "20")
			.containsEntry("SPRING_DATASOURCE_URL",
					"jdbc:postgresql://logins.cluster-abc.us-east-1.rds.amazonaws.com:5432/logins");
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
	}

	@Test
	void theNetworkPolicyAdmitsOnlyTheHttpPortFromMonitoring() {
		List<Map<String, Object>> release = ChartRenderer.render(EVERYTHING_ON);
		NetworkPolicy policy = only(release, NetworkPolicy.class);
		assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
		assertThat(policy.getSpec().getIngress()).singleElement().satisfies((rule) -> {
			assertThat(rule.getPorts()).singleElement()
				.satisfies((port) -> assertThat(port.getPort().getStrVal()).isEqualTo("http"));
			assertThat(rule.getFrom()).singleElement()
				.satisfies((peer) -> assertThat(peer.getNamespaceSelector().getMatchLabels())
					.containsEntry("kubernetes.io/metadata.name", "monitoring"));
		});
		assertThat(policy.getSpec().getEgress()).flatExtracting((rule) -> rule.getPorts())
			.extracting((port) -> port.getPort().getIntVal())
			.containsExactlyInAnyOrder(53, 53, 5432, 443, 8443);
		PodDisruptionBudget budget = only(release, PodDisruptionBudget.class);
		assertThat(budget.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
	}

	@Test
	void cronJobModeRunsTheDeploymentsPodOnASchedule() {
		List<Map<String, Object>> release = ChartRenderer.render(List.of(),
				Map.of("mode", "cronjob", "cronjob.schedule", "15 2 * * *"));
		assertThat(kinds(release)).containsExactlyInAnyOrder("v1/ServiceAccount", "v1/ConfigMap", "v1/Service",
				"batch/v1/CronJob");
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
		for (Map<String, Object> sets : List.of(Map.<String, Object>of(), inlineSecrets())) {
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
	void theValuesSchemaRefusesAutoscalingAndADisruptionBudgetWithCronJobMode() {
		for (Map<String, Object> scaled : List.of(Map.<String, Object>of("autoscaling.hpa.enabled", "true"),
				Map.<String, Object>of("autoscaling.keda.enabled", "true", "sqs.queue",
						"https://sqs.us-east-1.amazonaws.com/123456789012/login-queue"),
				Map.<String, Object>of("pdb.create", "true"))) {
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

	private static Map<String, Object> cronJobOfEverythingOn() {
		return Map.of("mode", "cronjob", "autoscaling.keda.enabled", "false", "pdb.create", "false",
				"cronjob.activeDeadlineSeconds", "3600", "cronjob.startingDeadlineSeconds", "300",
				"cronjob.timeZone", "Etc/UTC");
	}

	private static Map<String, Object> hpaOn() {
		return Map.of("autoscaling.hpa.enabled", "true");
	}

	private static Map<String, Object> inlineSecrets() {
		return Map.of("database.password", "s3cret", "masking.keyset", "{\"primaryKeyId\":1}");
	}

	private static void assertHttpProbe(Probe probe, String path) {
		assertThat(probe).isNotNull();
		assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
		assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
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
