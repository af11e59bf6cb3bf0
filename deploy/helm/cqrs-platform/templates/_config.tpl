{{/*
The services' environment: what goes into the ConfigMap and the Secret, and
which of those variables each service reads. Every name is a variable the
code reads (tests/tests/helm_chart.rs checks it against the sources).
*/}}

{{/* Whether tokens are verified with an identity provider's JWKS rather than a shared secret. */}}
{{- define "cqrs-platform.jwks" -}}
{{- if and (eq .Values.auth.mode "jwt") .Values.auth.jwks.url -}}true{{- end -}}
{{- end -}}

{{/* Whether the services get the HS256 secret. */}}
{{- define "cqrs-platform.hs256" -}}
{{- if and (eq .Values.auth.mode "jwt") (not .Values.auth.jwks.url) -}}true{{- end -}}
{{- end -}}

{{/* Refuses values that would give the services a configuration they refuse at start. */}}
{{- define "cqrs-platform.validate" -}}
{{- if not (has .Values.auth.mode (list "jwt" "none")) -}}
{{- fail (printf "auth.mode must be jwt or none, not %q" .Values.auth.mode) -}}
{{- end -}}
{{- if and .Values.auth.jwks.url .Values.auth.hs256.secret -}}
{{- fail "auth.jwks.url and auth.hs256.secret are both set: choose one way of verifying tokens" -}}
{{- end -}}
{{- if and (include "cqrs-platform.jwks" .) (not .Values.projector.processManager.tokenCommand) -}}
{{- fail "with auth.jwks.url the projector's process managers need projector.processManager.tokenCommand (docs/operations.md, Process managers)" -}}
{{- end -}}
{{- if and .Values.auth.hs256.secret (lt (len .Values.auth.hs256.secret) 32) -}}
{{- fail "auth.hs256.secret must be at least 32 bytes" -}}
{{- end -}}
{{- if and .Values.schemaRegistry.url (not (hasPrefix "http://" .Values.schemaRegistry.url)) -}}
{{- fail "schemaRegistry.url must be an http:// URL (the services have no TLS client for it)" -}}
{{- end -}}
{{- end -}}

{{/* DATABASE_URL without the password (PGPASSWORD, in the Secret, supplies it). */}}
{{- define "cqrs-platform.databaseUrl" -}}
{{- $db := .Values.database -}}
{{- printf "postgres://%s@%s:%v/%s" (urlquery $db.user) (required "database.host is required" $db.host) $db.port (required "database.name is required" $db.name) -}}
{{- with $db.sslMode -}}?sslmode={{ . }}{{- end -}}
{{- end -}}

{{/* The non-secret environment, the ConfigMap's data: only the variables that are set. */}}
{{- define "cqrs-platform.configData" -}}
KAFKA_BROKERS: {{ required "kafka.brokers is required" .Values.kafka.brokers | quote }}
EVENTS_TOPIC_PREFIX: {{ .Values.events.topicPrefix | quote }}
EVENTS_TOPIC_PARTITIONS: {{ .Values.events.topicPartitions | quote }}
EVENTS_TOPIC_REPLICATION: {{ .Values.events.topicReplication | quote }}
{{- with .Values.schemaRegistry.url }}
SCHEMA_REGISTRY_URL: {{ . | quote }}
{{- end }}
DATABASE_URL: {{ include "cqrs-platform.databaseUrl" . | quote }}
AUTH_MODE: {{ .Values.auth.mode | quote }}
{{- if include "cqrs-platform.jwks" . }}
AUTH_JWKS_URL: {{ .Values.auth.jwks.url | quote }}
AUTH_JWKS_REFRESH_SECONDS: {{ .Values.auth.jwks.refreshSeconds | quote }}
{{- end }}
{{- with .Values.auth.issuer }}
AUTH_ISSUER: {{ . | quote }}
{{- end }}
{{- with .Values.auth.audience }}
AUTH_AUDIENCE: {{ . | quote }}
{{- end }}
AUTH_TENANT_CLAIM: {{ .Values.auth.tenantClaim | quote }}
AUTH_LEEWAY_SECONDS: {{ .Values.auth.leewaySeconds | quote }}
{{- with .Values.http.corsAllowedOrigins }}
CORS_ALLOWED_ORIGINS: {{ . | quote }}
{{- end }}
RUST_LOG: {{ .Values.logging.rustLog | quote }}
LOG_FORMAT: {{ .Values.logging.format | quote }}
COMMAND_API_GROUP: {{ .Values.commandApi.group | quote }}
COMMAND_STATE_DIR: {{ .Values.commandApi.stateStore.path | quote }}
COMMAND_STANDBY_REPLICAS: {{ .Values.commandApi.standbyReplicas | quote }}
RATE_LIMIT_COMMANDS_PER_SECOND: {{ .Values.commandApi.rateLimit.perSecond | quote }}
RATE_LIMIT_COMMANDS_BURST: {{ .Values.commandApi.rateLimit.burst | quote }}
PROJECTOR_GROUP_PREFIX: {{ .Values.projector.groupPrefix | quote }}
{{- with .Values.projector.projections }}
PROJECTOR_PROJECTIONS: {{ . | quote }}
{{- end }}
PROCESS_MANAGER_COMMAND_API_URL: {{ .Values.projector.processManager.commandApiUrl | default (printf "http://%s:8081" (include "cqrs-platform.componentName" (dict "root" . "component" "command-api"))) | quote }}
{{- with .Values.projector.processManager.tokenCommand }}
PROCESS_MANAGER_TOKEN_COMMAND: {{ . | quote }}
{{- end }}
QUERY_API_WORKERS: {{ .Values.queryApi.workers | quote }}
RATE_LIMIT_QUERIES_PER_SECOND: {{ .Values.queryApi.rateLimit.perSecond | quote }}
RATE_LIMIT_QUERIES_BURST: {{ .Values.queryApi.rateLimit.burst | quote }}
{{- end -}}

{{/* The variables of the ConfigMap every service reads. */}}
{{- define "cqrs-platform.sharedVariables" -}}
{{- list "KAFKA_BROKERS" "EVENTS_TOPIC_PREFIX" "AUTH_MODE" "AUTH_JWKS_URL" "AUTH_JWKS_REFRESH_SECONDS" "AUTH_ISSUER" "AUTH_AUDIENCE" "AUTH_TENANT_CLAIM" "AUTH_LEEWAY_SECONDS" "CORS_ALLOWED_ORIGINS" "RUST_LOG" "LOG_FORMAT" | toJson -}}
{{- end -}}

{{/* The variables of the ConfigMap one service reads besides the shared ones, by component. */}}
{{- define "cqrs-platform.ownVariables" -}}
{{- $own := dict
  "command-api" (list "EVENTS_TOPIC_PARTITIONS" "EVENTS_TOPIC_REPLICATION" "SCHEMA_REGISTRY_URL" "COMMAND_API_GROUP" "COMMAND_STATE_DIR" "COMMAND_STANDBY_REPLICAS" "RATE_LIMIT_COMMANDS_PER_SECOND" "RATE_LIMIT_COMMANDS_BURST")
  "projector" (list "EVENTS_TOPIC_PARTITIONS" "EVENTS_TOPIC_REPLICATION" "DATABASE_URL" "PROJECTOR_GROUP_PREFIX" "PROJECTOR_PROJECTIONS" "PROCESS_MANAGER_COMMAND_API_URL" "PROCESS_MANAGER_TOKEN_COMMAND")
  "query-api" (list "DATABASE_URL" "QUERY_API_WORKERS" "RATE_LIMIT_QUERIES_PER_SECOND" "RATE_LIMIT_QUERIES_BURST") -}}
{{- index $own . | toJson -}}
{{- end -}}

{{/*
One service's environment from the ConfigMap and the Secret:
(dict "root" $ "component" "query-api" "database" true).
*/}}
{{- define "cqrs-platform.env" -}}
{{- $root := .root -}}
{{- $config := include "cqrs-platform.configData" $root | fromYaml -}}
{{- $names := concat (include "cqrs-platform.sharedVariables" $root | fromJsonArray) (include "cqrs-platform.ownVariables" .component | fromJsonArray) -}}
{{- range $name := $names }}
{{- if hasKey $config $name }}
- name: {{ $name }}
  valueFrom:
    configMapKeyRef:
      name: {{ include "cqrs-platform.configMapName" $root }}
      key: {{ $name }}
{{- end }}
{{- end }}
{{- if include "cqrs-platform.hs256" $root }}
- name: AUTH_HS256_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ include "cqrs-platform.secretName" $root }}
      key: AUTH_HS256_SECRET
{{- end }}
{{- if and .database (or $root.Values.existingSecret $root.Values.database.password) }}
- name: PGPASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "cqrs-platform.secretName" $root }}
      key: PGPASSWORD
      optional: {{ not (empty $root.Values.existingSecret) }}
{{- end }}
{{- range $name, $value := .extra }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{/* A hash of the configuration, so pods restart when it changes. */}}
{{- define "cqrs-platform.configChecksum" -}}
{{- list (include "cqrs-platform.configData" .) .Values.auth .Values.database.password .Values.existingSecret | toJson | sha256sum -}}
{{- end -}}
