//! libFuzzer entry point of [`paradex_fuzz::ring_open`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| paradex_fuzz::ring_open(data));
