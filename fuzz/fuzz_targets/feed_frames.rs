//! libFuzzer entry point of [`paradex_fuzz::feed_frames`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| paradex_fuzz::feed_frames(data));
