//! The market-data generator (random walk, up to full speed) and the recorded-frame replayer.
