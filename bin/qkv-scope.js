#!/usr/bin/env node
// The qkv-scope command: the bundled CLI (built by `npm run build`).
require('../dist/cli.js');
