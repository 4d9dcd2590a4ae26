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
  {{- with .Values.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.topologySpreadConstraints }}
  topologySpreadConstraints:
    {{- toYaml . | nindent 4 }}
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
          containerPort: {{ .Values.metrics.service.port }}
          protocol: TCP
      envFrom:
        - configMapRef:
            name: {{ include "login-etl.fullname" . }}
      env:
        - name: SPRING_DATASOURCE_PASSWORD
          valueFrom:
            secretKeyRef:
              name: {{ include "login-etl.databaseSecretName" . }}
              key: {{ include "login-etl.databaseSecretKey" . }}
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
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- if .Values.startupProbe.enabled }}
      startupProbe:
        httpGet:
          path: /actuator/health/liveness
          port: http
        {{- omit .Values.startupProbe "enabled" | toYaml | nindent 8 }}
      {{- end }}
      {{- if .Values.livenessProbe.enabled }}
      livenessProbe:
        httpGet:
          path: /actuator/health/liveness
          port: http
        {{- omit .Values.livenessProbe "enabled" | toYaml | nindent 8 }}
      {{- end }}
      {{- if .Values.readinessProbe.enabled }}
      readinessProbe:
        httpGet:
          path: /actuator/health/readiness
          port: http
        {{- omit .Values.readinessProbe "enabled" | toYaml | nindent 8 }}
      {{- end }}
      {{- with .Values.resources }}
      resources:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        - name: masking-keyset
          mountPath: {{ include "login-etl.keysetPath" . | dir }}
          readOnly: true
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
{{- end }}
