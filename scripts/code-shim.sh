#!/bin/sh
# Stands in for the VS Code executable: @vscode/test-electron's runTests spawns this with VS Code's command line
# (folder, --extensionDevelopmentPath=…, --extensionTestsPath=…), and it runs them in code-server instead.
exec node "$(dirname "$0")/run-extension-tests.mjs" "$@"
