//! StarkNet typed data revision 0 (Pedersen) message hashes for Paradex orders, auth and onboarding.
