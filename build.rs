//! Rebuilds when a migration is added or changed: `embed_migrations!` reads `migrations/` at
//! compile time, and cargo would not otherwise know a new migration concerns the binary.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
