@echo off
rem compliance-agent: the bundled agent on the Node.js runtime shipped beside it (never a node on PATH), with the
rem node flags and environment the service runs under (agent/service-flags.json).
setlocal
set UV_THREADPOOL_SIZE=2
"%~dp0node.exe" --jitless --max-old-space-size=64 --max-semi-space-size=1 --v8-pool-size=1 --disable-wasm-trap-handler "%~dp0agent.cjs" %*
