#!/usr/bin/env node
// compliance-server: runs the built server (dist/, made by `npm run build`).
import { main } from "../dist/main.js";

process.exit(await main(process.argv, process.env));
