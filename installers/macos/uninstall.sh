#!/bin/sh
# Removes the WeGroup compliance agent: sudo /Library/WeGroup/ComplianceAgent/uninstall.sh [--keep-state]
# The agent is told why it stops ("uninstall"), the LaunchDaemon is unloaded, the program, its logs and (unless
# --keep-state) its state — credential, device key, queued reports — are removed, and the package receipt forgotten.
set -e
if [ "$(id -u)" != 0 ]; then
  echo "run as root: sudo $0" >&2
  exit 1
fi
state="/Library/Application Support/ComplianceAgent"
plist=/Library/LaunchDaemons/nl.wegroup.compliance.agent.plist
if [ -d "$state" ]; then
  printf 'uninstall\n' > "$state/goodbye-reason"
fi
launchctl bootout system/nl.wegroup.compliance.agent 2>/dev/null || launchctl unload "$plist" 2>/dev/null || true
rm -f "$plist" /usr/local/bin/compliance-agent
rm -rf /Library/WeGroup/ComplianceAgent /Library/Logs/ComplianceAgent
rmdir /Library/WeGroup 2>/dev/null || true
if [ "${1:-}" != "--keep-state" ]; then
  rm -rf "$state"
fi
pkgutil --forget nl.wegroup.compliance.agent >/dev/null 2>&1 || true
echo "compliance-agent removed"
