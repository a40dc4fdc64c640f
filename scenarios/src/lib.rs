//! Specimens of right and wrong synchronization, and the harness's own
//! synchronization primitives. No OS calls: runs under Miri and `--cfg loom`.
