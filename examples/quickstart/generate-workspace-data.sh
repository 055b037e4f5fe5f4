#!/usr/bin/env bash
# Regenerates the quickstart workspace "demo": audit logs (workspaces/demo/audit-logs) and recorded
# REST responses (workspaces/demo/api). Deterministic (fixed seed); needs only a JDK 17+.
#   examples/quickstart/generate-workspace-data.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
java --source 17 "$here/GenerateWorkspaceData.java" "$here/workspaces/demo"
