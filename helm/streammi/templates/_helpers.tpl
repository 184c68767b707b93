{{/* Names, labels and derived settings shared by the templates. */}}

{{- define "streammi.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The full name: the release name alone when it already contains the chart name, so that a
release called "streammi" gives "streammi" and not "streammi-streammi".
*/}}
{{- define "streammi.fullname" -}}
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

{{- define "streammi.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "streammi.selectorLabels" -}}
app.kubernetes.io/name: {{ include "streammi.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "streammi.labels" -}}
helm.sh/chart: {{ include "streammi.chart" . }}
{{ include "streammi.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: streammi
{{- end }}

{{- define "streammi.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "streammi.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "streammi.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
The host's shutdown timeout in whole seconds, checked. Values read from YAML are float64,
so a fractional number is refused rather than silently truncated.
*/}}
{{- define "streammi.shutdownTimeoutSeconds" -}}
{{- $raw := .Values.shutdownTimeoutSeconds }}
{{- if not (or (kindIs "float64" $raw) (kindIs "int" $raw) (kindIs "int64" $raw)) }}
{{- fail (printf "shutdownTimeoutSeconds must be a number of seconds, got %v" $raw) }}
{{- end }}
{{- $s := int $raw }}
{{- if ne (float64 $s) (float64 $raw) }}
{{- fail (printf "shutdownTimeoutSeconds must be a whole number of seconds, got %v" $raw) }}
{{- end }}
{{- if or (lt $s 1) (gt $s 86399) }}
{{- fail (printf "shutdownTimeoutSeconds must be between 1 and 86399, got %d" $s) }}
{{- end }}
{{- $s }}
{{- end }}

{{/*
The same timeout as .NET configuration binds a TimeSpan: hh:mm:ss. A bare number would
be read as days.
*/}}
{{- define "streammi.shutdownTimeout" -}}
{{- $s := int (include "streammi.shutdownTimeoutSeconds" .) }}
{{- printf "%02d:%02d:%02d" (div $s 3600) (div (mod $s 3600) 60) (mod $s 60) }}
{{- end }}

{{/* Kubernetes' grace period: the host's timeout plus a margin, never below it. */}}
{{- define "streammi.terminationGracePeriodSeconds" -}}
{{- $extra := int .Values.terminationGraceExtraSeconds }}
{{- if lt $extra 1 }}
{{- fail (printf "terminationGraceExtraSeconds must be at least 1, got %d" $extra) }}
{{- end }}
{{- add (int (include "streammi.shutdownTimeoutSeconds" .)) $extra }}
{{- end }}

{{/* Where the Kafka TLS Secret is mounted. */}}
{{- define "streammi.kafkaTlsDir" -}}
/etc/streammi/kafka-tls
{{- end }}

{{/* Where the configuration file is mounted; the container runs `streammi run --config` it. */}}
{{- define "streammi.configDir" -}}
/etc/streammi/config
{{- end }}

{{/*
The configuration file: the values' config, with StreamMI:Monitors and StreamMI:Kafka
written over it. StreamMI:Kafka:Client holds librdkafka properties as they are.
*/}}
{{- define "streammi.appsettings" -}}
{{- $client := dict }}
{{- with .Values.kafka.securityProtocol }}
{{- $_ := set $client "security.protocol" . }}
{{- end }}
{{- with .Values.kafka.saslMechanism }}
{{- $_ := set $client "sasl.mechanism" . }}
{{- end }}
{{- $tls := .Values.kafka.tls }}
{{- if $tls.existingSecret }}
{{- $dir := include "streammi.kafkaTlsDir" . }}
{{- $_ := set $client "ssl.ca.location" (printf "%s/%s" $dir $tls.caKey) }}
{{- if $tls.certKey }}
{{- $_ := set $client "ssl.certificate.location" (printf "%s/%s" $dir $tls.certKey) }}
{{- end }}
{{- if $tls.keyKey }}
{{- $_ := set $client "ssl.key.location" (printf "%s/%s" $dir $tls.keyKey) }}
{{- end }}
{{- end }}
{{- $client = merge $client (deepCopy .Values.kafka.client) }}
{{- $kafka := dict "BootstrapServers" .Values.kafka.bootstrapServers }}
{{- if $client }}
{{- $_ := set $kafka "Client" $client }}
{{- end }}
{{- $config := deepCopy .Values.config }}
{{- $streammi := get $config "StreamMI" | default dict }}
{{- $_ := set $streammi "Monitors" .Values.monitors }}
{{- $_ := set $streammi "Kafka" (merge $kafka (get $streammi "Kafka" | default dict)) }}
{{- $state := .Values.state }}
{{- if or $state.topic $state.persistence.enabled }}
{{- $saved := dict "Interval" $state.interval }}
{{- if $state.topic }}
{{- $_ := set $saved "Topic" $state.topic }}
{{- else }}
{{- $_ := set $saved "Directory" $state.persistence.mountPath }}
{{- end }}
{{- $_ := set $streammi "State" (merge $saved (get $streammi "State" | default dict)) }}
{{- end }}
{{- $_ := set $config "StreamMI" $streammi }}
{{- toPrettyJson $config }}
{{- end }}

{{/*
Refuses state settings the worker could not use: a topic and a directory at once (the worker
refuses both), and a directory for more than one pod (each would overwrite the others' files).
*/}}
{{- define "streammi.stateCheck" -}}
{{- $state := .Values.state }}
{{- if and $state.topic $state.persistence.enabled }}
{{- fail "state.topic and state.persistence.enabled are both set; use the topic (one or more replicas) or the directory (one replica), not both" }}
{{- end }}
{{- if and $state.persistence.enabled (gt (int .Values.replicaCount) 1) }}
{{- fail (printf "state.persistence keeps state files for one worker; replicaCount is %d: use state.topic for several replicas" (int .Values.replicaCount)) }}
{{- end }}
{{- end }}

{{- define "streammi.stateClaim" -}}
{{- .Values.state.persistence.existingClaim | default (printf "%s-state" (include "streammi.fullname" .)) }}
{{- end }}
