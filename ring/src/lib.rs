//! Lock-free single-writer / many-reader ring buffers in shared memory.
