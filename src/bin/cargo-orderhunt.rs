//! `cargo orderhunt`: a crate's orderhunt tests on hardware, under loom and
//! under Miri, in one table (see `cargo orderhunt --help`).

fn main() {
    std::process::exit(orderhunt::cargo::main());
}
