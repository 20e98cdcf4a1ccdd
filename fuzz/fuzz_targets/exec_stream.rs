//! libFuzzer entry point of [`paradex_fuzz::exec_stream`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| paradex_fuzz::exec_stream(data));
