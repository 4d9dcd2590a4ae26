{{/* The chart's name, or nameOverride. */}}
{{- define "login-etl.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The fully qualified name of the release's objects: fullnameOverride, or the release name when it
already contains the chart's name, or "<release>-<chart>". At most 63 characters (DNS labels).
*/}}
{{- define "login-etl.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "login-etl.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels every object carries. */}}
{{- define "login-etl.labels" -}}
helm.sh/chart: {{ include "login-etl.chart" . }}
{{ include "login-etl.selectorLabels" . }}
app.kubernetes.io/version: {{ (.Values.image.tag | default .Chart.AppVersion) | toString | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* The labels that select the release's pods; they never change between upgrades. */}}
{{- define "login-etl.selectorLabels" -}}
app.kubernetes.io/name: {{ include "login-etl.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "login-etl.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "login-etl.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "login-etl.image" -}}
{{- $repository := .Values.image.repository }}
{{- if .Values.image.registry }}
{{- $repository = printf "%s/%s" .Values.image.registry .Values.image.repository }}
{{- end }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" $repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" $repository (.Values.image.tag | default .Chart.AppVersion | toString) }}
{{- end }}
{{- end }}

{{/* The JDBC URL: database.url, or one made from host, port and name. */}}
{{- define "login-etl.jdbcUrl" -}}
{{- if .Values.database.url }}
{{- .Values.database.url }}
{{- else }}
{{- printf "jdbc:postgresql://%s:%d/%s" .Values.database.host (int .Values.database.port) .Values.database.name }}
{{- end }}
{{- end }}

{{/*
The Secret that holds the database password: database.existingSecret, or the one the chart makes
from database.password, or "<fullname>-database" for the operator to create.
*/}}
{{- define "login-etl.databaseSecretName" -}}
{{- if and .Values.database.existingSecret .Values.database.password }}
{{- fail "database: set either existingSecret (recommended) or password, not both" }}
{{- end }}
{{- .Values.database.existingSecret | default (printf "%s-database" (include "login-etl.fullname" .)) }}
{{- end }}

{{- define "login-etl.databaseSecretKey" -}}
{{- if .Values.database.existingSecret }}{{ .Values.database.existingSecretPasswordKey }}{{ else }}password{{ end }}
{{- end }}

{{/* The Secret that holds the masking keyset, chosen like the database's. */}}
{{- define "login-etl.maskingSecretName" -}}
{{- if and .Values.masking.existingSecret .Values.masking.keyset }}
{{- fail "masking: set either existingSecret (recommended) or keyset, not both" }}
{{- end }}
{{- .Values.masking.existingSecret | default (printf "%s-masking" (include "login-etl.fullname" .)) }}
{{- end }}

{{- define "login-etl.maskingSecretKey" -}}
{{- if .Values.masking.existingSecret }}{{ .Values.masking.existingSecretKey }}{{ else }}keyset.json{{ end }}
{{- end }}

{{/* Where the keyset file appears in the container. */}}
{{- define "login-etl.keysetPath" -}}
/etc/login-etl/masking/keyset.json
{{- end }}

{{/*
The database's CA bundle as a volume source: database.tls.caBundle's Secret or ConfigMap, or
nothing when neither is named.
*/}}
{{- define "login-etl.databaseCaVolume" -}}
{{- $bundle := .Values.database.tls.caBundle }}
{{- if and $bundle.secretName $bundle.configMapName }}
{{- fail "database.tls.caBundle: name either secretName or configMapName, not both" }}
{{- end }}
{{- if $bundle.secretName }}
secret:
  secretName: {{ $bundle.secretName }}
  defaultMode: 0444
  items:
    - key: {{ $bundle.key }}
      path: {{ include "login-etl.databaseCaPath" . | base }}
{{- else if $bundle.configMapName }}
configMap:
  name: {{ $bundle.configMapName }}
  defaultMode: 0444
  items:
    - key: {{ $bundle.key }}
      path: {{ include "login-etl.databaseCaPath" . | base }}
{{- end }}
{{- end }}

{{/* Where the database's CA bundle appears in the container (LOGINS_DATABASE_SSL_ROOT_CERT). */}}
{{- define "login-etl.databaseCaPath" -}}
/etc/login-etl/database-ca/ca.crt
{{- end }}

{{/* The schema owner's name (database.owner.username), checked against its Secret. */}}
{{- define "login-etl.databaseOwner" -}}
{{- $owner := .Values.database.owner }}
{{- if and $owner.username (not $owner.existingSecret) }}
{{- fail "database.owner: set existingSecret (and existingSecretPasswordKey) to the Secret that holds the owner role's password" }}
{{- end }}
{{- if and $owner.existingSecret (not $owner.username) }}
{{- fail "database.owner: set username, the role that owns the schema, along with existingSecret" }}
{{- end }}
{{- $owner.username }}
{{- end }}

{{/*
The fewest pods the workload runs: the enabled autoscaler's minReplicas, or replicaCount; 0 for a
CronJob, whose runs get no PodDisruptionBudget.
*/}}
{{- define "login-etl.minPods" -}}
{{- if ne .Values.mode "deployment" }}0
{{- else if .Values.autoscaling.hpa.enabled }}{{ .Values.autoscaling.hpa.minReplicas }}
{{- else if .Values.autoscaling.keda.enabled }}{{ .Values.autoscaling.keda.minReplicas }}
{{- else }}{{ .Values.replicaCount }}
{{- end }}
{{- end }}

{{/* The queue KEDA watches: autoscaling.keda.queueURL, or sqs.queue when that is a URL. */}}
{{- define "login-etl.kedaQueueUrl" -}}
{{- if .Values.autoscaling.keda.queueURL }}
{{- .Values.autoscaling.keda.queueURL }}
{{- else if regexMatch "^https?://" .Values.sqs.queue }}
{{- .Values.sqs.queue }}
{{- else }}
{{- fail "autoscaling.keda: KEDA's aws-sqs-queue scaler needs the queue's URL; set autoscaling.keda.queueURL or give sqs.queue as a URL" }}
{{- end }}
{{- end }}

{{/*
The pod both workloads run (mode deployment: the Deployment's; mode cronjob: each Job's), so
configuration, Secrets, probes and security context are one and the same; a Job's pod adds its
restart policy. Called with the root context.
*/}}
{{- define "login-etl.podTemplate" -}}
metadata:
  labels:
    {{- include "login-etl.labels" . | nindent 4 }}
    {{- with .Values.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    # A changed ConfigMap or chart-made Secret rolls the pods.
    checksum/config: {{ include (print $.Template.BasePath "/configmap.yaml") . | sha256sum }}
    checksum/secret: {{ include (print $.Template.BasePath "/secret.yaml") . | sha256sum }}
    {{- with .Values.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "login-etl.serviceAccountName" . }}
  automountServiceAccountToken: {{ .Values.automountServiceAccountToken }}
  {{- if eq .Values.mode "cronjob" }}
  restartPolicy: {{ .Values.cronjob.restartPolicy }}
  {{- end }}
  {{- with .Values.image.pullSecrets }}
  imagePullSecrets:
    {{- range . }}
    - name: {{ . }}
    {{- end }}
  {{- end }}
  {{- with .Values.podSecurityContext }}
  securityContext:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  terminationGracePeriodSeconds: {{ .Values.terminationGracePeriodSeconds }}
  {{- with .Values.priorityClassName }}
  priorityClassName: {{ . }}
  {{- end }}
  {{- with .Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- if .Values.affinity }}
  affinity:
    {{- toYaml .Values.affinity | nindent 4 }}
  {{- else if eq .Values.podAntiAffinityPreset "soft" }}
  affinity:
    podAntiAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
        - weight: 100
          podAffinityTerm:
            topologyKey: kubernetes.io/hostname
            labelSelector:
              matchLabels:
                {{- include "login-etl.selectorLabels" . | nindent 16 }}
  {{- else if eq .Values.podAntiAffinityPreset "hard" }}
  affinity:
    podAntiAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        - topologyKey: kubernetes.io/hostname
          labelSelector:
            matchLabels:
              {{- include "login-etl.selectorLabels" . | nindent 14 }}
  {{- end }}
  {{- with .Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- if .Values.topologySpreadConstraints }}
  topologySpreadConstraints:
    {{- toYaml .Values.topologySpreadConstraints | nindent 4 }}
  {{- else if .Values.topologySpread.enabled }}
  topologySpreadConstraints:
    - topologyKey: {{ .Values.topologySpread.topologyKey }}
      maxSkew: {{ .Values.topologySpread.maxSkew }}
      whenUnsatisfiable: {{ .Values.topologySpread.whenUnsatisfiable }}
      labelSelector:
        matchLabels:
          {{- include "login-etl.selectorLabels" . | nindent 10 }}
  {{- end }}
  containers:
    - name: login-etl
      image: {{ include "login-etl.image" . }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      {{- with .Values.containerSecurityContext }}
      securityContext:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      ports:
        - name: http
          containerPort: {{ .Values.containerPorts.http }}
          protocol: TCP
        - name: management
          containerPort: {{ .Values.containerPorts.management }}
          protocol: TCP
      {{- include "login-etl.containerEnv" . | nindent 6 }}
      {{- if .Values.startupProbe.enabled }}
      startupProbe:
        httpGet:
          path: /actuator/health/liveness
          port: management
        {{- omit .Values.startupProbe "enabled" | toYaml | nindent 8 }}
      {{- end }}
      {{- if .Values.livenessProbe.enabled }}
      livenessProbe:
        httpGet:
          path: /actuator/health/liveness
          port: management
        {{- omit .Values.livenessProbe "enabled" | toYaml | nindent 8 }}
      {{- end }}
      {{- if .Values.readinessProbe.enabled }}
      readinessProbe:
        httpGet:
          path: /actuator/health/readiness
          port: management
        {{- omit .Values.readinessProbe "enabled" | toYaml | nindent 8 }}
      {{- end }}
      {{- with .Values.resources }}
      resources:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- include "login-etl.volumeMounts" . | nindent 6 }}
  {{- include "login-etl.volumes" . | nindent 2 }}
{{- end }}

{{/*
The container's configuration (ConfigMap, Secrets, extraEnv), its mounts and the pod's volumes:
the workload's pod and the chart's test pod (check) use them alike, so "helm test" checks the
settings the service runs with.
*/}}
{{- define "login-etl.containerEnv" -}}
envFrom:
  - configMapRef:
      name: {{ include "login-etl.fullname" . }}
env:
  - name: SPRING_DATASOURCE_PASSWORD
    valueFrom:
      secretKeyRef:
        name: {{ include "login-etl.databaseSecretName" . }}
        key: {{ include "login-etl.databaseSecretKey" . }}
  {{- if include "login-etl.databaseOwner" . }}
  - name: SPRING_FLYWAY_PASSWORD
    valueFrom:
      secretKeyRef:
        name: {{ .Values.database.owner.existingSecret }}
        key: {{ .Values.database.owner.existingSecretPasswordKey }}
  {{- end }}
  {{- with .Values.sqs.credentials.existingSecret }}
  - name: SPRING_CLOUD_AWS_CREDENTIALS_ACCESS_KEY
    valueFrom:
      secretKeyRef:
        name: {{ . }}
        key: {{ $.Values.sqs.credentials.accessKeyKey }}
  - name: SPRING_CLOUD_AWS_CREDENTIALS_SECRET_KEY
    valueFrom:
      secretKeyRef:
        name: {{ . }}
        key: {{ $.Values.sqs.credentials.secretKeyKey }}
  {{- end }}
  {{- with .Values.extraEnv }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}

{{- define "login-etl.volumeMounts" -}}
volumeMounts:
  - name: tmp
    mountPath: /tmp
  - name: masking-keyset
    mountPath: {{ include "login-etl.keysetPath" . | dir }}
    readOnly: true
  {{- if include "login-etl.databaseCaVolume" . }}
  - name: database-ca
    mountPath: {{ include "login-etl.databaseCaPath" . | dir }}
    readOnly: true
  {{- end }}
  {{- with .Values.extraVolumeMounts }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}

{{- define "login-etl.volumes" -}}
volumes:
  - name: tmp
    emptyDir:
      sizeLimit: {{ .Values.tmpSizeLimit }}
  - name: masking-keyset
    secret:
      secretName: {{ include "login-etl.maskingSecretName" . }}
      defaultMode: 0440
      items:
        - key: {{ include "login-etl.maskingSecretKey" . }}
          path: {{ include "login-etl.keysetPath" . | base }}
  {{- with include "login-etl.databaseCaVolume" . }}
  - name: database-ca
    {{- . | nindent 4 }}
  {{- end }}
  {{- with .Values.extraVolumes }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}
