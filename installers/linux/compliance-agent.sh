#!/bin/sh
# compliance-agent: the bundled agent on the Node.js binary shipped with it (never a Node on PATH).
exec /usr/lib/compliance-agent/node /usr/lib/compliance-agent/agent.cjs "$@"
