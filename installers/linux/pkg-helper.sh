#!/bin/sh
# Shared by the .deb maintainer scripts and the .rpm scriptlets (one implementation for both):
#   pkg-helper configure [upgrade]   enrollment config from the environment, then enable and (re)start the service
#   pkg-helper stop REASON           tell the agent why it stops (goodbye reason file), stop and disable the service
#   pkg-helper purge                 remove state, configuration and credential
# The enrollment secret is read from the environment and written by shell builtins only: it never appears in a
# command line (ps), in the unit or in a log.
set -e

STATE_DIR=/var/lib/compliance-agent
CONFIG_DIR=/etc/compliance-agent
CONFIG="$CONFIG_DIR/enroll.json"
UNIT=compliance-agent.service

systemd_running() {
  [ -d /run/systemd/system ]
}

have_systemctl() {
  command -v systemctl >/dev/null 2>&1
}

# JSON string escaping for a value read from stdin (never from argv): backslash and double quote.
json_escape() {
  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'
}

write_enroll_config() {
  if [ -n "${COMPLIANCE_SERVER:-}" ] && [ -n "${COMPLIANCE_ENROLL_SECRET:-}" ]; then
    if [ -f "$STATE_DIR/enrollment.json" ]; then
      echo "compliance-agent: already enrolled ($STATE_DIR/enrollment.json); COMPLIANCE_SERVER/COMPLIANCE_ENROLL_SECRET not used"
      return 0
    fi
    old_umask=$(umask)
    umask 077
    mkdir -p "$CONFIG_DIR"
    server=$(printf '%s' "$COMPLIANCE_SERVER" | json_escape)
    secret=$(printf '%s' "$COMPLIANCE_ENROLL_SECRET" | json_escape)
    printf '{"server": "%s", "secret": "%s"}\n' "$server" "$secret" > "$CONFIG.tmp"
    chmod 0600 "$CONFIG.tmp"
    mv -f "$CONFIG.tmp" "$CONFIG"
    umask "$old_umask"
    echo "compliance-agent: enrollment configuration written to $CONFIG (mode 0600) for $COMPLIANCE_SERVER"
  elif [ -n "${COMPLIANCE_SERVER:-}${COMPLIANCE_ENROLL_SECRET:-}" ]; then
    echo "compliance-agent: set both COMPLIANCE_SERVER and COMPLIANCE_ENROLL_SECRET to enroll at install; nothing written" >&2
  fi
  # A file dropped beforehand (configuration management): only root may read it.
  if [ -f "$CONFIG" ]; then
    chown root:root "$CONFIG"
    chmod 0600 "$CONFIG"
  fi
  if [ -d "$CONFIG_DIR" ]; then chmod 0700 "$CONFIG_DIR"; fi
}

write_reason() {
  if [ -d "$STATE_DIR" ]; then
    printf '%s\n' "$1" > "$STATE_DIR/goodbye-reason"
    chmod 0600 "$STATE_DIR/goodbye-reason"
  fi
}

case "${1:-}" in
  configure)
    write_enroll_config
    # Enabled even when systemd is not running (a chroot, an image being built): it starts at the next boot.
    if have_systemctl; then systemctl enable "$UNIT" >/dev/null 2>&1 || true; fi
    if systemd_running; then
      systemctl daemon-reload || true
      if [ "${2:-}" = "upgrade" ] && systemctl is-active --quiet "$UNIT"; then
        write_reason upgrade
        systemctl restart "$UNIT" || true
      else
        systemctl restart "$UNIT" || true
      fi
    else
      echo "compliance-agent: systemd is not running here; the service starts at the next boot (or start it: /usr/lib/compliance-agent/node /usr/lib/compliance-agent/agent.cjs run)"
    fi
    ;;
  stop)
    write_reason "${2:-service-stop}"
    if systemd_running; then systemctl stop "$UNIT" || true; fi
    if have_systemctl; then systemctl disable "$UNIT" >/dev/null 2>&1 || true; fi
    ;;
  purge)
    rm -rf "$STATE_DIR" "$CONFIG_DIR"
    if systemd_running; then systemctl daemon-reload || true; fi
    ;;
  *)
    echo "usage: pkg-helper configure [upgrade] | stop REASON | purge" >&2
    exit 2
    ;;
esac
