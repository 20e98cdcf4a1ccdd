//! The exchange core: per-market books, price-time matching, accounts, positions, order states.
