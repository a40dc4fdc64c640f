//! Prints what orderhunt records about this machine and build, as JSON.
//!
//! Useful to check emulation detection by hand, e.g. an aarch64 build run
//! under qemu-user on an x86-64 host should say `"emulated": true`.

fn main() {
    let out = serde_json::json!({
        "tool": orderhunt::machine::tool(),
        "target": orderhunt::machine::TARGET,
        "machine": orderhunt::machine::detect(),
    });
    println!(
        "{}",
        serde_json::to_string_pretty(&out).expect("machine facts serialize")
    );
}
