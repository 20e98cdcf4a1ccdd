//! Mock configuration: markets, rates, ports, TLS, fault flags.
