fn main() {
    println!("orderhunt skeleton");
}
