#!/usr/bin/env bash
# The README's demo: mock exchange + feed handler + a live reader, all on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "demo: the pieces it runs are still being built (issues #2, #3, #4); see tracking/dependency-graph.md" >&2
exit 1
