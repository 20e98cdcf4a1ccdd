//! Fault injection shared by every transport, controlled by CLI flags and the admin endpoint.
