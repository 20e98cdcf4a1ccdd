//! STARK signature verification of onboarding, auth and order requests; JWT issue and check.
