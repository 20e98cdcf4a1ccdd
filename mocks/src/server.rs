//! Wires REST, WebSocket and admin routes onto one loopback listener, with optional TLS.
