#!/usr/bin/env bash
# The README's demo, all on 127.0.0.1, in two parts:
#   1. paradex-mock + the feed handler + a live Python reader of the shared-memory rings;
#   2. a NautilusTrader node (examples/nautilus_node.py) market-making on its own paradex-mock,
#      its data from the Rust feed and rings, its orders signed and sent by the Rust client.
# Each part runs DEMO_SECONDS (default 15); Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${PARADEX_BIN_DIR:-${CARGO_TARGET_DIR:-$HOME/.cache/paradex-target}/release}"
py="${VENV:-.venv}/bin/python"
feed_name="demo$$"
work="$(mktemp -d)"
pids=()

cleanup() {
  # Stop in reverse start order: the feed before the exchange it reads from.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -INT "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
  rm -f /dev/shm/paradex."$feed_name".*
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$bin/paradex-mock" --md-rate 20 >"$work/mock.out" 2>"$work/mock.log" &
pids+=($!)
for _ in $(seq 100); do grep -q listening "$work/mock.out" 2>/dev/null && break; sleep 0.05; done
ws_url="$(grep -o 'ws=[^ ]*' "$work/mock.out" | cut -d= -f2-)"
[ -n "$ws_url" ] || { echo "demo: paradex-mock did not start:" >&2; cat "$work/mock.log" >&2; exit 1; }
echo "demo: paradex-mock at $ws_url"

cat >"$work/feed.toml" <<TOML
url = "$ws_url"
markets = ["BTC-USD-PERP", "ETH-USD-PERP"]
channels = ["bbo", "trades", "book_deltas", "markets_summary", "funding_data"]
rings_dir = "/dev/shm"
feed_name = "$feed_name"
poll_mode = "epoll"
TOML
"$bin/paradex-feed" run --config "$work/feed.toml" >"$work/feed.log" 2>&1 &
pids+=($!)
echo "demo: paradex-feed writing /dev/shm/paradex.$feed_name.*"

seconds="${DEMO_SECONDS:-15}"
"$py" scripts/demo_reader.py --feed "$feed_name" --seconds "$seconds"
cleanup
pids=()

echo "demo: a NautilusTrader node market-making against paradex-mock for ${seconds}s"
"$py" examples/nautilus_node.py --seconds "$seconds" --mock-bin "$bin/paradex-mock"
