fn main() {
    std::process::exit(orderhunt::cli::main());
}
