//! WebSocket JSON-RPC 2.0 at `/v1`: auth, subscriptions, public (SBE or JSON) and private channels.
