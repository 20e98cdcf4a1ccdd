//! libFuzzer entry point of [`paradex_fuzz::sbe_decode`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| paradex_fuzz::sbe_decode(data));
