//! The Paradex SBE schema (id 1): message header, templates, encoder and zero-copy decoder.
