@echo off
rem compliance-agent: the bundled agent on the Node.js runtime shipped beside it (never a node on PATH).
"%~dp0node.exe" "%~dp0agent.cjs" %*
