#!/bin/sh
# compliance-agent: the bundled agent on the Node.js binary shipped with it (never a Node on PATH), with the node
# flags and environment the service runs under (agent/service-flags.json): a one-shot `check` peaks ~20 MB lower
# than on V8's defaults and takes no longer. MALLOC_TRIM_THRESHOLD_ is glibc's: freed memory goes back sooner.
export UV_THREADPOOL_SIZE=2 MALLOC_TRIM_THRESHOLD_=65536
exec /usr/lib/compliance-agent/node --jitless --max-old-space-size=64 --max-semi-space-size=1 --v8-pool-size=1 --disable-wasm-trap-handler /usr/lib/compliance-agent/agent.cjs "$@"
