//! libFuzzer entry point of [`paradex_fuzz::rest_models`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| paradex_fuzz::rest_models(data));
