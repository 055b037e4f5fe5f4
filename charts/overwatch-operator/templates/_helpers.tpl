{{- define "overwatch-operator.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "overwatch-operator.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "overwatch-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "overwatch-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "overwatch-operator.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* What the operator does in each watched namespace. It holds every verb it grants to the
     driver pods' Role (pods, configmaps, services), since RBAC forbids granting more than one holds. */}}
{{- define "overwatch-operator.rules" -}}
- apiGroups: ["overwatch.dev"]
  resources: ["overwatchdeployments", "overwatchruns"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["overwatch.dev"]
  resources: ["overwatchdeployments/status", "overwatchruns/status"]
  verbs: ["get", "update", "patch"]
# Owner references with blockOwnerDeletion (pods, ConfigMaps, Secrets, RBAC owned by runs and
# deployments) need update on the owner's finalizers where the OwnerReferencesPermissionEnforcement
# admission plugin is on.
- apiGroups: ["overwatch.dev"]
  resources: ["overwatchdeployments/finalizers", "overwatchruns/finalizers"]
  verbs: ["update"]
- apiGroups: [""]
  resources: ["pods", "configmaps", "services"]
  verbs: ["create", "get", "list", "watch", "delete", "deletecollection"]
# get: referenced Secrets exist and are meant for the deployment (values are never read into
# anything); create: each run's own Spark authentication Secret (owned by the run).
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "create"]
- apiGroups: [""]
  resources: ["serviceaccounts"]
  verbs: ["get", "create", "update"]
- apiGroups: ["rbac.authorization.k8s.io"]
  resources: ["roles", "rolebindings"]
  verbs: ["get", "create", "update"]
- apiGroups: ["coordination.k8s.io"]
  resources: ["leases"]
  verbs: ["get", "list", "watch", "create", "update", "delete"]
- apiGroups: ["", "events.k8s.io"]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- end -}}
