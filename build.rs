//! Embeds every fixture in the binary so the fixture store (and the fixture
//! tests, which also run in wasm where there is no file system) need no I/O.

use std::fmt::Write;
use std::path::Path;
use std::{env, fs};

fn main() {
    let root = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let mut out = String::new();
    for (dir, constant) in [("items", "FIXTURE_ITEMS"), ("expected", "FIXTURE_EXPECTED")] {
        let dir = Path::new(&root).join("fixtures").join(dir);
        println!("cargo::rerun-if-changed={}", dir.display());
        let mut files: Vec<_> = fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
            .map(|entry| entry.expect("directory entry").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .collect();
        files.sort();
        writeln!(out, "pub const {constant}: &[(&str, &str)] = &[").unwrap();
        for path in files {
            let name = path
                .file_stem()
                .expect("file name")
                .to_string_lossy()
                .into_owned();
            writeln!(
                out,
                "    ({name:?}, include_str!({:?})),",
                path.display().to_string()
            )
            .unwrap();
        }
        writeln!(out, "];").unwrap();
    }
    let dest = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("fixtures.rs");
    fs::write(dest, out).expect("writing fixtures.rs");
}
