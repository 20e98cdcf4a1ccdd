//! An offline Paradex exchange for tests, demos and benchmarks.
//!
//! `exchange` is the domain (books, matching, accounts) with no I/O; `auth` checks STARK
//! signatures and issues JWTs; `rest` and `ws` are the two transports; `marketdata` drives the
//! books; `faults` injects failures; `server` wires it all onto one loopback listener.
#![forbid(unsafe_code)]

pub mod auth;
pub mod config;
pub mod exchange;
pub mod faults;
pub mod marketdata;
pub mod rest;
pub mod server;
pub mod ws;
